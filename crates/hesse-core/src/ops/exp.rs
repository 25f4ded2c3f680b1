//! `eˣ` by the algorithm of glibc's `exp` (from Arm's optimized-routines), in a form that
//! vectorises.
//!
//! `eˣ = 2^(k/N) · e^r` with `N = 128`, `k = round(x·N/ln 2)` and `|r| ≤ ln 2/(2N)`;
//! `2^(k/N)` comes from a table of 128 values (each with the rounding error of its `f64` as a
//! second entry), `e^r − 1` from a degree-5 polynomial. Error below 0.51 ulp.
//!
//! **Why not `f64::exp`.** It is a call into the platform's libm per element, which no
//! compiler can vectorise, and it dominated the elementwise kernels of sigmoid and peaks
//! losses (≈ 45 % of W5's batched descent). Here the same arithmetic runs four lanes at a time
//! with AVX2.
//!
//! **The same bits as glibc.** The constants and operations are glibc's, including the fused
//! multiply-adds that GCC forms when glibc is built for CPUs with FMA (`__exp_fma`, which glibc
//! selects at run time on x86-64 CPUs with FMA and AVX2; on aarch64 always). The same choice is
//! made here at run time, so on glibc systems every result is bit for bit `f64::exp`'s, which
//! the tests check on millions of points. Elsewhere the results are this algorithm's, within
//! 0.51 ulp. Inputs outside `2⁻⁵⁴ ≤ |x| < 512` (where glibc takes its special paths: tiny
//! arguments, overflow, underflow, subnormal results, ±∞, NaN) go to `f64::exp`.
//!
//! All of hesse's `exp` (the op and the `exp` inside `sigmoid`, `softplus` and `log_sigmoid`,
//! scalar or vector, eager, interpreted or compiled) goes through this file, so every route
//! computes the same bits on every platform.

/// Table size: `k mod N` indexes the table.
pub(crate) const N: u64 = 128;
/// `N / ln 2`.
pub(crate) const INV_LN2_N: f64 = f64::from_bits(0x4067_1547_652b_82fe);
/// `−ln 2 / N`, split: the high part has 36 significant bits, so `k · hi` is exact.
pub(crate) const NEG_LN2_HI_N: f64 = f64::from_bits(0xbf76_2e42_fefa_0000);
pub(crate) const NEG_LN2_LO_N: f64 = f64::from_bits(0xbd0c_f79a_bc9e_3b3a);
/// `1.5 · 2⁵²`: adding it rounds to an integer held in the low mantissa bits.
pub(crate) const SHIFT: f64 = f64::from_bits(0x4338_0000_0000_0000);
/// Polynomial coefficients of `e^r − 1 − r` (glibc's minimax fit).
pub(crate) const C2: f64 = f64::from_bits(0x3fdf_ffff_ffff_fdbd);
pub(crate) const C3: f64 = f64::from_bits(0x3fc5_5555_5555_543c);
pub(crate) const C4: f64 = f64::from_bits(0x3fa5_5555_cf17_2b91);
pub(crate) const C5: f64 = f64::from_bits(0x3f81_1111_67a4_d017);

/// Whether `x` takes glibc's special paths: `|x| < 2⁻⁵⁴`, `|x| ≥ 512`, ±∞ or NaN.
#[inline(always)]
fn special(x: f64) -> bool {
    let abstop = (x.to_bits() >> 52) & 0x7ff;
    // 0x3c9 = top bits of 2⁻⁵⁴, 0x408 = those of 512.
    abstop.wrapping_sub(0x3c9) >= 0x408 - 0x3c9
}

/// `a·b + c`, rounded once when `FMA` (as glibc's FMA build), else twice.
#[inline(always)]
fn madd<const FMA: bool>(a: f64, b: f64, c: f64) -> f64 {
    if FMA { a.mul_add(b, c) } else { a * b + c }
}

/// The main path, for `2⁻⁵⁴ ≤ |x| < 512`: glibc's operations in glibc's order.
#[inline(always)]
fn core<const FMA: bool>(x: f64) -> f64 {
    let kd = madd::<FMA>(INV_LN2_N, x, SHIFT);
    let ki = kd.to_bits();
    let kd = kd - SHIFT;
    let r = madd::<FMA>(kd, NEG_LN2_LO_N, madd::<FMA>(kd, NEG_LN2_HI_N, x));
    let idx = 2 * (ki % N) as usize;
    let top = ki << (52 - 7);
    let tail = f64::from_bits(TABLE[idx]);
    let scale = f64::from_bits(TABLE[idx + 1].wrapping_add(top));
    let r2 = r * r;
    let tmp = if FMA {
        let t = madd::<true>(r2, madd::<true>(r, C3, C2), tail + r);
        madd::<true>(r2 * r2, madd::<true>(r, C5, C4), t)
    } else {
        tail + r + r2 * (C2 + r * C3) + r2 * r2 * (C4 + r * C5)
    };
    madd::<FMA>(scale, tmp, scale)
}

/// Whether this CPU runs the FMA form (glibc's `__exp_fma` choice) and the run-time setting
/// allows it (`crate::native`: AVX2 or wider).
#[inline(always)]
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
fn fma() -> bool {
    #[cfg(target_arch = "x86_64")]
    return crate::native::fma();
    #[cfg(target_arch = "aarch64")]
    return true;
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    false
}

/// `eˣ` (see the module docs).
#[inline]
pub(crate) fn exp(x: f64) -> f64 {
    if special(x) {
        return x.exp();
    }
    #[cfg(target_arch = "x86_64")]
    if fma() {
        // SAFETY: the CPU has FMA and AVX2 (checked just above).
        return unsafe { exp_fma(x) };
    }
    #[cfg(target_arch = "aarch64")]
    return core::<true>(x);
    #[allow(unreachable_code)]
    core::<false>(x)
}

/// # Safety
/// The CPU must support FMA and AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "fma,avx2")]
unsafe fn exp_fma(x: f64) -> f64 {
    core::<true>(x)
}

/// The address of a C-ABI `fn(f64) -> f64` computing [`exp`] for this CPU, chosen once (for
/// compiled code, which then skips the per-call CPU check).
#[cfg(feature = "jit")]
pub(crate) fn exp_extern() -> *const () {
    #[cfg(target_arch = "x86_64")]
    if fma() {
        return exp_extern_fma as *const ();
    }
    exp_extern_plain as *const ()
}

/// [`exp`] on a CPU with FMA and AVX2.
///
/// # Safety
/// The CPU must support FMA and AVX2.
#[cfg(all(feature = "jit", target_arch = "x86_64"))]
#[target_feature(enable = "fma,avx2")]
unsafe extern "C" fn exp_extern_fma(x: f64) -> f64 {
    if special(x) { x.exp() } else { core::<true>(x) }
}

/// [`exp`] without FMA (or on aarch64, where `exp` itself is the FMA form).
#[cfg(feature = "jit")]
extern "C" fn exp_extern_plain(x: f64) -> f64 {
    exp(x)
}

/// `out[i] = eˣⁱ`, bit for bit [`exp`] of each element.
pub(crate) fn exp_slice(x: &[f64], out: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    if fma() {
        // SAFETY: the CPU has FMA and AVX2 (checked just above).
        return unsafe { exp_slice_fma(x, out) };
    }
    #[cfg(target_arch = "aarch64")]
    return slice::<true>(x, out);
    #[allow(unreachable_code)]
    slice::<false>(x, out)
}

/// # Safety
/// The CPU must support FMA and AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "fma,avx2")]
unsafe fn exp_slice_fma(x: &[f64], out: &mut [f64]) {
    slice::<true>(x, out)
}

/// Blocks whose elements are all on the main path run it as one straight loop (which
/// vectorises, the table reads becoming gathers); the others element by element.
#[inline(always)]
fn slice<const FMA: bool>(x: &[f64], out: &mut [f64]) {
    const BLOCK: usize = 32;
    for (xs, os) in x.chunks(BLOCK).zip(out.chunks_mut(BLOCK)) {
        if xs.iter().fold(false, |s, &v| s | special(v)) {
            for (o, &v) in os.iter_mut().zip(xs) {
                *o = if special(v) { v.exp() } else { core::<FMA>(v) };
            }
        } else {
            for (o, &v) in os.iter_mut().zip(xs) {
                *o = core::<FMA>(v);
            }
        }
    }
}

/// [`exp`] of eight values with AVX-512: glibc's FMA form (which [`exp`] computes on every
/// CPU with AVX-512, all of which have FMA and AVX2) on all lanes, the same operations in
/// the same order as [`core()`]; lanes with special inputs (see [`special`]) are then
/// computed by `f64::exp`, as [`exp`] does. Bit for bit [`exp`] of each lane (tested on the
/// points of the tests below, in every lane). For the fused regions' AVX-512 tiles, which
/// call it on their registers instead of a pass of [`exp_slice`] through a buffer (faster
/// on W5's peaks, three `exp` per point; BENCHMARKS.md, "Measured design decisions").
///
/// # Safety
/// The CPU must support AVX-512F, FMA and AVX2 (so that [`exp`] is the FMA form).
#[cfg(all(target_arch = "x86_64", hesse_avx512))]
#[allow(clippy::incompatible_msrv)]
#[inline]
#[target_feature(enable = "avx512f")]
pub(crate) unsafe fn exp_avx512(x: std::arch::x86_64::__m512d) -> std::arch::x86_64::__m512d {
    use std::arch::x86_64::*;
    // SAFETY: the CPU has AVX-512F (the caller's guarantee); the gathers read `TABLE` at
    // 2·(k mod N) and 2·(k mod N) + 1 < 256.
    unsafe {
        let c = |v: f64| _mm512_set1_pd(v);
        let kd = _mm512_fmadd_pd(c(INV_LN2_N), x, c(SHIFT));
        let ki = _mm512_castpd_si512(kd);
        let kd = _mm512_sub_pd(kd, c(SHIFT));
        let r = _mm512_fmadd_pd(kd, c(NEG_LN2_LO_N), _mm512_fmadd_pd(kd, c(NEG_LN2_HI_N), x));
        let idx = _mm512_slli_epi64::<1>(_mm512_and_si512(ki, _mm512_set1_epi64(N as i64 - 1)));
        let top = _mm512_slli_epi64::<45>(ki);
        // The same entries either way; gathers where they are the faster read.
        let (tail, hi) = if crate::native::fast_gathers() {
            table_by_gathers(idx)
        } else {
            table_by_loads(idx)
        };
        let scale = _mm512_castsi512_pd(_mm512_add_epi64(hi, top));
        let r2 = _mm512_mul_pd(r, r);
        let t = _mm512_fmadd_pd(r2, _mm512_fmadd_pd(r, c(C3), c(C2)), _mm512_add_pd(tail, r));
        let tmp = _mm512_fmadd_pd(_mm512_mul_pd(r2, r2), _mm512_fmadd_pd(r, c(C5), c(C4)), t);
        let y = _mm512_fmadd_pd(scale, tmp, scale);
        // `special`, lane by lane: the exponent field minus 0x3c9, unsigned, ≥ 0x408 − 0x3c9.
        let abstop = _mm512_and_si512(
            _mm512_srli_epi64::<52>(_mm512_castpd_si512(x)),
            _mm512_set1_epi64(0x7ff),
        );
        let off = _mm512_sub_epi64(abstop, _mm512_set1_epi64(0x3c9));
        let special = _mm512_cmpge_epu64_mask(off, _mm512_set1_epi64(0x408 - 0x3c9));
        if special == 0 {
            return y;
        }
        let (mut xs, mut ys) = ([0.0f64; 8], [0.0f64; 8]);
        _mm512_storeu_pd(xs.as_mut_ptr(), x);
        _mm512_storeu_pd(ys.as_mut_ptr(), y);
        for (i, (y, x)) in ys.iter_mut().zip(xs).enumerate() {
            if special & (1 << i) != 0 {
                *y = x.exp();
            }
        }
        _mm512_loadu_pd(ys.as_ptr())
    }
}

/// `(T[k], H[k] bits)` for the table indices 2·(k mod N) in `idx`, by two gathers.
///
/// # Safety
/// The CPU must support AVX-512F; every index is below 255.
#[cfg(all(target_arch = "x86_64", hesse_avx512))]
#[allow(clippy::incompatible_msrv)]
#[inline]
#[target_feature(enable = "avx512f")]
unsafe fn table_by_gathers(
    idx: std::arch::x86_64::__m512i,
) -> (std::arch::x86_64::__m512d, std::arch::x86_64::__m512i) {
    use std::arch::x86_64::*;
    // SAFETY: the gathers read TABLE at idx and idx + 1 < 256 (the caller's guarantee).
    unsafe {
        let t = TABLE.as_ptr();
        (
            _mm512_i64gather_pd::<8>(idx, t.cast()),
            _mm512_i64gather_epi64::<8>(idx, t.add(1).cast()),
        )
    }
}

/// `(T[k], H[k] bits)` for the table indices 2·(k mod N) in `idx`: the pairs by eight
/// 16-byte loads, rearranged into the T and the H lanes; as fast as two gathers on Zen 4,
/// and without the gathers' microcode cost on Intel CPUs patched for Downfall.
///
/// # Safety
/// The CPU must support AVX-512F; every index is below 255.
#[cfg(all(target_arch = "x86_64", hesse_avx512))]
#[allow(clippy::incompatible_msrv)]
#[inline]
#[target_feature(enable = "avx512f")]
unsafe fn table_by_loads(
    idx: std::arch::x86_64::__m512i,
) -> (std::arch::x86_64::__m512d, std::arch::x86_64::__m512i) {
    use std::arch::x86_64::*;
    // SAFETY: the loads read TABLE at idx and idx + 1 < 256 (the caller's guarantee).
    unsafe {
        let mut ix = [0u64; 8];
        _mm512_storeu_si512(ix.as_mut_ptr().cast(), idx);
        let pair = |i: usize| _mm_loadu_pd(TABLE.as_ptr().add(ix[i] as usize).cast());
        let pairs = |i: usize| _mm256_insertf128_pd::<1>(_mm256_castpd128_pd256(pair(i)), pair(i + 1));
        let lo = _mm512_insertf64x4::<1>(_mm512_castpd256_pd512(pairs(0)), pairs(2));
        let hi = _mm512_insertf64x4::<1>(_mm512_castpd256_pd512(pairs(4)), pairs(6));
        let tail = _mm512_permutex2var_pd(lo, _mm512_set_epi64(14, 12, 10, 8, 6, 4, 2, 0), hi);
        let h = _mm512_castpd_si512(_mm512_permutex2var_pd(
            lo,
            _mm512_set_epi64(15, 13, 11, 9, 7, 5, 3, 1),
            hi,
        ));
        (tail, h)
    }
}

/// `TABLE[2k] = bits of T[k]`, `TABLE[2k + 1] = bits of H[k] − k·2⁵²/N`, where `H[k]` is the
/// `f64` nearest `2^(k/N)` and `T[k] = (2^(k/N) − H[k]) / H[k]` rounded (computed with 200-bit
/// arithmetic, mpmath: `H = float(2**(k/128))`, `T = float((2**(k/128) − H)/H)`).
#[rustfmt::skip]
pub(crate) static TABLE: [u64; 256] = [
    0x0000000000000000, 0x3ff0000000000000,
    0x3c9b3b4f1a88bf6e, 0x3feff63da9fb3335,
    0xbc7160139cd8dc5d, 0x3fefec9a3e778061,
    0xbc905e7a108766d1, 0x3fefe315e86e7f85,
    0x3c8cd2523567f613, 0x3fefd9b0d3158574,
    0xbc8bce8023f98efa, 0x3fefd06b29ddf6de,
    0x3c60f74e61e6c861, 0x3fefc74518759bc8,
    0x3c90a3e45b33d399, 0x3fefbe3ecac6f383,
    0x3c979aa65d837b6d, 0x3fefb5586cf9890f,
    0x3c8eb51a92fdeffc, 0x3fefac922b7247f7,
    0x3c3ebe3d702f9cd1, 0x3fefa3ec32d3d1a2,
    0xbc6a033489906e0b, 0x3fef9b66affed31b,
    0xbc9556522a2fbd0e, 0x3fef9301d0125b51,
    0xbc5080ef8c4eea55, 0x3fef8abdc06c31cc,
    0xbc91c923b9d5f416, 0x3fef829aaea92de0,
    0x3c80d3e3e95c55af, 0x3fef7a98c8a58e51,
    0xbc801b15eaa59348, 0x3fef72b83c7d517b,
    0xbc8f1ff055de323d, 0x3fef6af9388c8dea,
    0x3c8b898c3f1353bf, 0x3fef635beb6fcb75,
    0xbc96d99c7611eb26, 0x3fef5be084045cd4,
    0x3c9aecf73e3a2f60, 0x3fef54873168b9aa,
    0xbc8fe782cb86389d, 0x3fef4d5022fcd91d,
    0x3c8a6f4144a6c38d, 0x3fef463b88628cd6,
    0x3c807a05b0e4047d, 0x3fef3f49917ddc96,
    0x3c968efde3a8a894, 0x3fef387a6e756238,
    0x3c875e18f274487d, 0x3fef31ce4fb2a63f,
    0x3c80472b981fe7f2, 0x3fef2b4565e27cdd,
    0xbc96b87b3f71085e, 0x3fef24dfe1f56381,
    0x3c82f7e16d09ab31, 0x3fef1e9df51fdee1,
    0xbc3d219b1a6fbffa, 0x3fef187fd0dad990,
    0x3c8b3782720c0ab4, 0x3fef1285a6e4030b,
    0x3c6e149289cecb8f, 0x3fef0cafa93e2f56,
    0x3c834d754db0abb6, 0x3fef06fe0a31b715,
    0x3c864201e2ac744c, 0x3fef0170fc4cd831,
    0x3c8fdd395dd3f84a, 0x3feefc08b26416ff,
    0xbc86a3803b8e5b04, 0x3feef6c55f929ff1,
    0xbc924aedcc4b5068, 0x3feef1a7373aa9cb,
    0xbc9907f81b512d8e, 0x3feeecae6d05d866,
    0xbc71d1e83e9436d2, 0x3feee7db34e59ff7,
    0xbc991919b3ce1b15, 0x3feee32dc313a8e5,
    0x3c859f48a72a4c6d, 0x3feedea64c123422,
    0xbc9312607a28698a, 0x3feeda4504ac801c,
    0xbc58a78f4817895b, 0x3feed60a21f72e2a,
    0xbc7c2c9b67499a1b, 0x3feed1f5d950a897,
    0x3c4363ed60c2ac11, 0x3feece086061892d,
    0x3c9666093b0664ef, 0x3feeca41ed1d0057,
    0x3c6ecce1daa10379, 0x3feec6a2b5c13cd0,
    0x3c93ff8e3f0f1230, 0x3feec32af0d7d3de,
    0x3c7690cebb7aafb0, 0x3feebfdad5362a27,
    0x3c931dbdeb54e077, 0x3feebcb299fddd0d,
    0xbc8f94340071a38e, 0x3feeb9b2769d2ca7,
    0xbc87deccdc93a349, 0x3feeb6daa2cf6642,
    0xbc78dec6bd0f385f, 0x3feeb42b569d4f82,
    0xbc861246ec7b5cf6, 0x3feeb1a4ca5d920f,
    0x3c93350518fdd78e, 0x3feeaf4736b527da,
    0x3c7b98b72f8a9b05, 0x3feead12d497c7fd,
    0x3c9063e1e21c5409, 0x3feeab07dd485429,
    0x3c34c7855019c6ea, 0x3feea9268a5946b7,
    0x3c9432e62b64c035, 0x3feea76f15ad2148,
    0xbc8ce44a6199769f, 0x3feea5e1b976dc09,
    0xbc8c33c53bef4da8, 0x3feea47eb03a5585,
    0xbc845378892be9ae, 0x3feea34634ccc320,
    0xbc93cedd78565858, 0x3feea23882552225,
    0x3c5710aa807e1964, 0x3feea155d44ca973,
    0xbc93b3efbf5e2228, 0x3feea09e667f3bcd,
    0xbc6a12ad8734b982, 0x3feea012750bdabf,
    0xbc6367efb86da9ee, 0x3fee9fb23c651a2f,
    0xbc80dc3d54e08851, 0x3fee9f7df9519484,
    0xbc781f647e5a3ecf, 0x3fee9f75e8ec5f74,
    0xbc86ee4ac08b7db0, 0x3fee9f9a48a58174,
    0xbc8619321e55e68a, 0x3fee9feb564267c9,
    0x3c909ccb5e09d4d3, 0x3feea0694fde5d3f,
    0xbc7b32dcb94da51d, 0x3feea11473eb0187,
    0x3c94ecfd5467c06b, 0x3feea1ed0130c132,
    0x3c65ebe1abd66c55, 0x3feea2f336cf4e62,
    0xbc88a1c52fb3cf42, 0x3feea427543e1a12,
    0xbc9369b6f13b3734, 0x3feea589994cce13,
    0xbc805e843a19ff1e, 0x3feea71a4623c7ad,
    0xbc94d450d872576e, 0x3feea8d99b4492ed,
    0x3c90ad675b0e8a00, 0x3feeaac7d98a6699,
    0x3c8db72fc1f0eab4, 0x3feeace5422aa0db,
    0xbc65b6609cc5e7ff, 0x3feeaf3216b5448c,
    0x3c7bf68359f35f44, 0x3feeb1ae99157736,
    0xbc93091fa71e3d83, 0x3feeb45b0b91ffc6,
    0xbc5da9b88b6c1e29, 0x3feeb737b0cdc5e5,
    0xbc6c23f97c90b959, 0x3feeba44cbc8520f,
    0xbc92434322f4f9aa, 0x3feebd829fde4e50,
    0xbc85ca6cd7668e4b, 0x3feec0f170ca07ba,
    0x3c71affc2b91ce27, 0x3feec49182a3f090,
    0x3c6dd235e10a73bb, 0x3feec86319e32323,
    0xbc87c50422622263, 0x3feecc667b5de565,
    0x3c8b1c86e3e231d5, 0x3feed09bec4a2d33,
    0xbc91bbd1d3bcbb15, 0x3feed503b23e255d,
    0x3c90cc319cee31d2, 0x3feed99e1330b358,
    0x3c8469846e735ab3, 0x3feede6b5579fdbf,
    0xbc82dfcd978e9db4, 0x3feee36bbfd3f37a,
    0x3c8c1a7792cb3387, 0x3feee89f995ad3ad,
    0xbc907b8f4ad1d9fa, 0x3feeee07298db666,
    0xbc55c3d956dcaeba, 0x3feef3a2b84f15fb,
    0xbc90a40e3da6f640, 0x3feef9728de5593a,
    0xbc68d6f438ad9334, 0x3feeff76f2fb5e47,
    0xbc91eee26b588a35, 0x3fef05b030a1064a,
    0x3c74ffd70a5fddcd, 0x3fef0c1e904bc1d2,
    0xbc91bdfbfa9298ac, 0x3fef12c25bd71e09,
    0x3c736eae30af0cb3, 0x3fef199bdd85529c,
    0x3c8ee3325c9ffd94, 0x3fef20ab5fffd07a,
    0x3c84e08fd10959ac, 0x3fef27f12e57d14b,
    0x3c63cdaf384e1a67, 0x3fef2f6d9406e7b5,
    0x3c676b2c6c921968, 0x3fef3720dcef9069,
    0xbc808a1883ccb5d2, 0x3fef3f0b555dc3fa,
    0xbc8fad5d3ffffa6f, 0x3fef472d4a07897c,
    0xbc900dae3875a949, 0x3fef4f87080d89f2,
    0x3c74a385a63d07a7, 0x3fef5818dcfba487,
    0xbc82919e2040220f, 0x3fef60e316c98398,
    0x3c8e5a50d5c192ac, 0x3fef69e603db3285,
    0x3c843a59ac016b4b, 0x3fef7321f301b460,
    0xbc82d52107b43e1f, 0x3fef7c97337b9b5f,
    0xbc892ab93b470dc9, 0x3fef864614f5a129,
    0x3c74b604603a88d3, 0x3fef902ee78b3ff6,
    0x3c83c5ec519d7271, 0x3fef9a51fbc74c83,
    0xbc8ff7128fd391f0, 0x3fefa4afa2a490da,
    0xbc8dae98e223747d, 0x3fefaf482d8e67f1,
    0x3c8ec3bc41aa2008, 0x3fefba1bee615a27,
    0x3c842b94c3a9eb32, 0x3fefc52b376bba97,
    0x3c8a64a931d185ee, 0x3fefd0765b6e4540,
    0xbc8e37bae43be3ed, 0x3fefdbfdad9cbe14,
    0x3c77893b4d91cd9d, 0x3fefe7c1819e90d8,
    0x3c5305c14160cc89, 0x3feff3c22b8f71f1,
];

#[cfg(test)]
mod tests {
    use super::*;

    fn points() -> Vec<f64> {
        let mut rng = crate::test_rng::Xorshift::new(0x9e37_79b9_7f4a_7c15);
        let mut rnd = move || rng.uniform();
        let mut xs: Vec<f64> = (0..400_000)
            .map(|i| {
                let u = rnd() - 0.5;
                match i % 5 {
                    0 => u * 1500.0,
                    1 => u * 40.0,
                    2 => u,
                    3 => u * 1e-6,
                    // Halfway between two k: where the rounding of k·ln2/N is decided.
                    _ => ((rnd() * 1e5).floor() - 5e4 + 0.5) * (std::f64::consts::LN_2 / 128.0),
                }
            })
            .collect();
        xs.extend([
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.5,
            1e-300,
            -1e-300,
            5e-324,
            2f64.powi(-54),
            -2f64.powi(-54),
            511.9999,
            512.0,
            -512.0,
            709.78,
            709.79,
            -745.1,
            -745.2,
            -708.5,
            -740.0,
            1e300,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            f64::MAX,
            f64::MIN,
        ]);
        xs
    }

    /// On glibc, this is `f64::exp` bit for bit (the module docs say why).
    #[cfg(target_env = "gnu")]
    #[test]
    fn exp_is_glibcs_exp_bit_for_bit() {
        // About this CPU's native kernels, whatever `HESSE_NATIVE` says for the suite.
        crate::native::scoped(crate::native::Native::ON, || {
            let xs = points();
            let mut out = vec![0.0; xs.len()];
            exp_slice(&xs, &mut out);
            for (&x, &y) in xs.iter().zip(&out) {
                let want = x.exp();
                assert!(
                    y.to_bits() == want.to_bits() || (y.is_nan() && want.is_nan()),
                    "exp({x:e}) = {y:e}, glibc {want:e}"
                );
                let s = exp(x);
                assert!(
                    s.to_bits() == y.to_bits() || (s.is_nan() && y.is_nan()),
                    "scalar exp({x:e})"
                );
            }
        })
    }

    /// The AVX-512 form is [`exp`] bit for bit, lane by lane (NaNs as NaNs).
    #[cfg(all(target_arch = "x86_64", hesse_avx512))]
    #[test]
    fn the_avx512_form_is_exp_bit_for_bit() {
        // About this CPU's native kernels, whatever `HESSE_NATIVE` says for the suite.
        crate::native::scoped(crate::native::Native::ON, || {
            use std::arch::is_x86_feature_detected as has;
            if !(has!("avx512f") && has!("fma") && has!("avx2")) {
                return;
            }
            let mut xs = points();
            // Around the edges of the main path and of the results: ±2⁻⁵⁴, ±512, overflow
            // (709.78…), subnormal results (below −708.39…) and underflow (−745.13…), ±0,
            // subnormal and ±∞ arguments, in every lane position.
            for edge in [
                2f64.powi(-54),
                512.0,
                709.782712893384,
                708.3964185322641,
                745.1332191019411,
                0.0,
            ] {
                let mut v = edge;
                let mut w = edge;
                for _ in 0..20 {
                    xs.extend([v, -v, w, -w]);
                    v = f64::from_bits(v.to_bits() + 1);
                    w = f64::from_bits(w.to_bits().saturating_sub(1));
                }
            }
            xs.extend([
                f64::MIN_POSITIVE,
                -f64::MIN_POSITIVE,
                1e-320,
                -1e-320,
                f64::NEG_INFINITY,
            ]);
            for k in 0..8 {
                let xs = &xs[k..];
                for c in xs.chunks_exact(8) {
                    let mut out = [0.0f64; 8];
                    // SAFETY: the CPU has AVX-512F, FMA and AVX2 (checked above).
                    unsafe {
                        use std::arch::x86_64::*;
                        let y = exp_avx512(_mm512_loadu_pd(c.as_ptr()));
                        _mm512_storeu_pd(out.as_mut_ptr(), y);
                    }
                    for (&x, &y) in c.iter().zip(&out) {
                        let want = exp(x);
                        assert!(
                            y.to_bits() == want.to_bits() || (y.is_nan() && want.is_nan()),
                            "exp({x:e}) = {y:e}, want {want:e}"
                        );
                    }
                }
            }
        })
    }

    /// The two reads of the table (gathers, and 16-byte loads with shuffles) give every
    /// index's entries, so `exp_avx512` has the same bits whichever this CPU uses.
    #[cfg(all(target_arch = "x86_64", hesse_avx512))]
    #[test]
    fn both_table_reads_give_the_table() {
        if !std::arch::is_x86_feature_detected!("avx512f") {
            return;
        }
        for first in 0..N as i64 {
            // Eight indices 2·(k mod N) for k = first, first + 37, … (scattered, all lanes).
            let ks: [i64; 8] = std::array::from_fn(|j| (first + 37 * j as i64) % N as i64);
            let mut got = [[0u64; 8]; 4];
            // SAFETY: the CPU has AVX-512F (checked above); the indices are below 255.
            unsafe {
                use std::arch::x86_64::*;
                let idx = _mm512_loadu_si512(ks.map(|k| 2 * k).as_ptr().cast());
                for (pair, (t, h)) in [table_by_gathers(idx), table_by_loads(idx)]
                    .into_iter()
                    .enumerate()
                {
                    _mm512_storeu_pd(got[2 * pair].as_mut_ptr().cast(), t);
                    _mm512_storeu_si512(got[2 * pair + 1].as_mut_ptr().cast(), h);
                }
            }
            let want_t = ks.map(|k| TABLE[2 * k as usize]);
            let want_h = ks.map(|k| TABLE[2 * k as usize + 1]);
            assert_eq!(got, [want_t, want_h, want_t, want_h], "k = {ks:?}");
        }
    }

    /// Everywhere: within one ulp of the platform's `exp` (both are within about half an
    /// ulp of the exact value), and the scalar and slice forms agree bit for bit.
    #[test]
    fn exp_is_accurate_and_the_slice_is_the_scalar() {
        let xs = points();
        let mut out = vec![0.0; xs.len()];
        exp_slice(&xs, &mut out);
        for (&x, &y) in xs.iter().zip(&out) {
            let s = exp(x);
            assert!(
                s.to_bits() == y.to_bits() || (s.is_nan() && y.is_nan()),
                "exp({x:e})"
            );
            if x.abs() < 700.0 && x.abs() > 1e-300 {
                // Relative error against the platform's exp, itself within ~0.5 ulp.
                let want = x.exp();
                let ulp = f64::from_bits(want.to_bits() + 1) - want;
                assert!(((y - want) / ulp).abs() <= 1.0, "exp({x:e}) = {y:e} vs {want:e}");
            }
        }
    }
}
