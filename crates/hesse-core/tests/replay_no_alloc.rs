//! A recorded function replays without allocating: value, value+gradient, HVP and Hessian
//! into caller buffers (scalar and vector recordings without matrix products, whose GEMM
//! allocates its own packing buffers).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use hesse_core::{Matrix, RecordedFn, Var};

struct Counting;

static ALLOCS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn loss<'t>(x: &[Var<'t>]) -> Var<'t> {
    let h = (x[0] * 0.5 + x[1] * x[2]).sigmoid();
    (1.0 - h).ln() + (x[2] - x[0].powi(2)).square() * 100.0 + x[1].max(x[0]).tanh()
}

fn vector_loss<'t>(w: Var<'t>) -> Var<'t> {
    let m = w.reshape(&[2, 3]);
    (m.slice(1, 0, 1) * m.slice(1, 2, 1)).exp().sum() + w.softplus().mean()
}

#[test]
fn replays_do_not_allocate() {
    let x = [0.3, -0.7, 1.1];
    let v = [1.0, 0.5, -2.0];
    let mut rec = RecordedFn::new(loss, &x);
    // Compiled to native code (feature `jit`): native replays do not allocate either.
    #[cfg(feature = "jit")]
    let mut native = RecordedFn::new(loss, &x).jit();
    let (mut g, mut hv, mut h) = ([0.0; 3], [0.0; 3], Matrix::zeros(3, 3));
    let w = [0.1, 0.2, -0.3, 0.4, 0.5, -0.6];
    let u = [1.0; 6];
    let mut vrec = RecordedFn::new_vector(vector_loss, &w);
    let (mut vg, mut vhv, mut vh) = ([0.0; 6], [0.0; 6], Matrix::zeros(6, 6));
    // Warm up (the Hessian's lane buffer is made on first use).
    rec.hessian_to(&x, &mut h);
    vrec.hessian_to(&w, &mut vh);
    // Native programs are compiled at their first use: use each once.
    #[cfg(feature = "jit")]
    {
        native.value(&x);
        native.value_and_grad_to(&x, &mut g);
        native.hvp_to(&x, &v, &mut hv);
        native.hessian_to(&x, &mut h);
    }
    let before = ALLOCS.load(Ordering::Relaxed);
    for _ in 0..10 {
        std::hint::black_box(rec.value(&x));
        std::hint::black_box(rec.value_and_grad_to(&x, &mut g));
        rec.hvp_to(&x, &v, &mut hv);
        rec.hessian_to(&x, &mut h);
        std::hint::black_box(vrec.value(&w));
        std::hint::black_box(vrec.value_and_grad_to(&w, &mut vg));
        vrec.hvp_to(&w, &u, &mut vhv);
        vrec.hessian_to(&w, &mut vh);
        #[cfg(feature = "jit")]
        {
            std::hint::black_box(native.value(&x));
            std::hint::black_box(native.value_and_grad_to(&x, &mut g));
            native.hvp_to(&x, &v, &mut hv);
            native.hessian_to(&x, &mut h);
        }
    }
    let after = ALLOCS.load(Ordering::Relaxed);
    assert_eq!(after - before, 0, "replays allocated {} times", after - before);
    assert!(g.iter().chain(&hv).chain(&vg).chain(&vhv).all(|v| v.is_finite()));
}
