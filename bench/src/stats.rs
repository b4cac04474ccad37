//! Descriptive statistics and Welch's two-sample t-test, with the Student t
//! distribution computed here (regularized incomplete beta function by
//! continued fraction) rather than from a table, so any degrees of freedom work.
//!
//! Why not a statistics crate (statrs): the verdicts need one function, the t
//! quantile at fractional degrees of freedom, and these ~100 lines give it to
//! the printed precision of published t tables for every df (the tests below
//! check 16 table entries, two-sided and one-sided), with no dependency to
//! pin against rustc 1.95 and the locked RustPython tree.

/// Summary of a sample of timings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    pub n: usize,
    pub mean: f64,
    /// Sample standard deviation (n - 1); 0 for a single value.
    pub stdev: f64,
    pub median: f64,
    pub min: f64,
    pub max: f64,
}

impl Summary {
    /// `None` for an empty sample.
    pub fn of(values: &[f64]) -> Option<Summary> {
        if values.is_empty() {
            return None;
        }
        Some(Summary {
            n: values.len(),
            mean: mean(values),
            stdev: stdev(values),
            median: median(values),
            min: values.iter().copied().fold(f64::INFINITY, f64::min),
            max: values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        })
    }
}

pub fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// Sample standard deviation (Bessel's correction), 0 with fewer than 2 values.
pub fn stdev(values: &[f64]) -> f64 {
    if values.len() < 2 {
        return 0.0;
    }
    variance(values).sqrt()
}

fn variance(values: &[f64]) -> f64 {
    let m = mean(values);
    values.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (values.len() - 1) as f64
}

pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let middle = sorted.len() / 2;
    if sorted.len() % 2 == 1 { sorted[middle] } else { (sorted[middle - 1] + sorted[middle]) / 2.0 }
}

/// Geometric mean of positive numbers; `None` if empty or any is not > 0.
pub fn geometric_mean(values: &[f64]) -> Option<f64> {
    if values.is_empty() || values.iter().any(|v| v.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater)) {
        return None;
    }
    Some((values.iter().map(|v| v.ln()).sum::<f64>() / values.len() as f64).exp())
}

/// Result of a two-sided two-sample t-test at 95%.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TTest {
    /// (mean a - mean b) / standard error.
    pub t: f64,
    /// Welch–Satterthwaite degrees of freedom.
    pub df: f64,
    /// t quantile at 0.975 for `df`.
    pub critical: f64,
    pub significant: bool,
}

/// Welch's t-test (no equal-variance assumption); `None` when either sample
/// has fewer than 2 values. With equal sample sizes its t equals the pooled
/// t pyperf uses; only the degrees of freedom differ.
pub fn welch_t_test(a: &[f64], b: &[f64]) -> Option<TTest> {
    welch_of(&Summary::of(a)?, &Summary::of(b)?)
}

/// [`welch_t_test`] from the samples' summaries (size, mean, standard deviation).
pub fn welch_of(a: &Summary, b: &Summary) -> Option<TTest> {
    if a.n < 2 || b.n < 2 {
        return None;
    }
    let (na, nb) = (a.n as f64, b.n as f64);
    let (va, vb) = (a.stdev * a.stdev / na, b.stdev * b.stdev / nb);
    let diff = a.mean - b.mean;
    let se2 = va + vb;
    if se2 == 0.0 {
        // Both samples constant: any difference at all is certain.
        let df = na + nb - 2.0;
        let t = if diff == 0.0 { 0.0 } else { diff.signum() * f64::INFINITY };
        let critical = student_t_quantile(0.975, df);
        return Some(TTest { t, df, critical, significant: diff != 0.0 });
    }
    let t = diff / se2.sqrt();
    let df = se2 * se2 / (va * va / (na - 1.0) + vb * vb / (nb - 1.0));
    let critical = student_t_quantile(0.975, df);
    Some(TTest { t, df, critical, significant: t.abs() >= critical })
}

/// 95% confidence interval of `mean(changed) / mean(reference)`, by the delta method with
/// Welch's degrees of freedom: the ratio's relative variance is the sum of both means'
/// relative variances. `None` when either sample has fewer than 2 values or a mean is not
/// positive. It agrees with [`welch_t_test`]'s verdict except where the interval just touches
/// 1.0 (the delta method is an approximation; the report names the t-test as the verdict).
pub fn ratio_interval(reference: &[f64], changed: &[f64]) -> Option<(f64, f64)> {
    ratio_interval_of(&Summary::of(reference)?, &Summary::of(changed)?)
}

/// [`ratio_interval`] from the samples' summaries.
pub fn ratio_interval_of(reference: &Summary, changed: &Summary) -> Option<(f64, f64)> {
    let test = welch_of(reference, changed)?;
    if reference.mean <= 0.0 || changed.mean <= 0.0 {
        return None;
    }
    let ratio = changed.mean / reference.mean;
    let relative = |s: &Summary| s.stdev * s.stdev / s.n as f64 / (s.mean * s.mean);
    let half_width = test.critical * ratio * (relative(reference) + relative(changed)).sqrt();
    Some((ratio - half_width, ratio + half_width))
}

/// 95% confidence interval of a sample's mean (Student's t); `None` below 2 values.
pub fn mean_interval(summary: &Summary) -> Option<(f64, f64)> {
    if summary.n < 2 {
        return None;
    }
    let half_width = student_t_quantile(0.975, (summary.n - 1) as f64) * summary.stdev / (summary.n as f64).sqrt();
    Some((summary.mean - half_width, summary.mean + half_width))
}

/// P(T <= t) for Student's t with `df` degrees of freedom (`f64::INFINITY`
/// gives the normal distribution).
pub fn student_t_cdf(t: f64, df: f64) -> f64 {
    if df.is_infinite() || df > 1e7 {
        return normal_cdf(t);
    }
    let x = df / (df + t * t);
    let tail = 0.5 * regularized_incomplete_beta(df / 2.0, 0.5, x);
    if t >= 0.0 { 1.0 - tail } else { tail }
}

/// The `p` quantile of Student's t, by bisection on [`student_t_cdf`]
/// (monotonic, so bisection cannot fail to converge).
pub fn student_t_quantile(p: f64, df: f64) -> f64 {
    assert!(p > 0.0 && p < 1.0, "quantile of p={p}");
    if p < 0.5 {
        return -student_t_quantile(1.0 - p, df);
    }
    let mut high = 1.0;
    while student_t_cdf(high, df) < p {
        high *= 2.0;
    }
    let mut low = 0.0;
    for _ in 0..200 {
        let middle = (low + high) / 2.0;
        if student_t_cdf(middle, df) < p {
            low = middle;
        } else {
            high = middle;
        }
        if high - low < 1e-12 {
            break;
        }
    }
    (low + high) / 2.0
}

fn normal_cdf(x: f64) -> f64 {
    0.5 * erfc(-x / std::f64::consts::SQRT_2)
}

/// Complementary error function, Chebyshev fit with relative error below
/// 1.2e-7 everywhere (Numerical Recipes' erfcc); ample for 3-digit quantiles.
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98 + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let result = t * poly.exp();
    if x >= 0.0 { result } else { 2.0 - result }
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; ~1e-15 relative).
fn ln_gamma(x: f64) -> f64 {
    const COEFFICIENTS: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection keeps the series in its accurate range.
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = COEFFICIENTS[0];
    for (i, c) in COEFFICIENTS.iter().enumerate().skip(1) {
        sum += c / (x + i as f64);
    }
    let t = x + 7.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

/// I_x(a, b), the regularized incomplete beta function.
fn regularized_incomplete_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    let front = ln_front.exp();
    // The continued fraction converges fast only below this point; above it,
    // use the symmetry I_x(a, b) = 1 - I_{1-x}(b, a).
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_continued_fraction(a, b, x) / a
    } else {
        1.0 - front * beta_continued_fraction(b, a, 1.0 - x) / b
    }
}

/// Continued fraction of the incomplete beta function, by the modified
/// Lentz method.
fn beta_continued_fraction(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    const EPSILON: f64 = 1e-15;
    let nonzero = |v: f64| if v.abs() < TINY { TINY } else { v };
    let mut c = 1.0;
    let mut d = 1.0 / nonzero(1.0 - (a + b) * x / (a + 1.0));
    let mut h = d;
    for m in 1..100_000 {
        let m = m as f64;
        let m2 = 2.0 * m;
        // Even step.
        let numerator = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
        d = 1.0 / nonzero(1.0 + numerator * d);
        c = nonzero(1.0 + numerator / c);
        h *= d * c;
        // Odd step.
        let numerator = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
        d = 1.0 / nonzero(1.0 + numerator * d);
        c = nonzero(1.0 + numerator / c);
        let delta = d * c;
        h *= delta;
        if (delta - 1.0).abs() < EPSILON {
            break;
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: f64, expected: f64, tolerance: f64) {
        assert!((actual - expected).abs() <= tolerance, "{actual} is not within {tolerance} of {expected}");
    }

    #[test]
    fn summary_of_a_fixed_sample() {
        let s = Summary::of(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]).expect("sample");
        close(s.mean, 5.0, 1e-12);
        close(s.stdev, (32.0f64 / 7.0).sqrt(), 1e-12); // 2.138...
        close(s.median, 4.5, 1e-12);
        assert_eq!((s.min, s.max, s.n), (2.0, 9.0, 8));
        close(median(&[3.0, 1.0, 2.0]), 2.0, 0.0);
        assert_eq!(stdev(&[1.0]), 0.0);
        assert!(Summary::of(&[]).is_none());
    }

    #[test]
    fn t_critical_values_match_the_table() {
        for (df, expected) in [
            (1.0, 12.706),
            (2.0, 4.303),
            (5.0, 2.571),
            (10.0, 2.228),
            (30.0, 2.042),
            (100.0, 1.984),
            (f64::INFINITY, 1.960),
        ] {
            close(student_t_quantile(0.975, df), expected, 5e-4);
        }
        close(student_t_quantile(0.95, 10.0), 1.812, 5e-4);
        // More of the published table (two-sided 95% and one-sided 99%), including the
        // small df where a normal approximation would be far off.
        for (df, two_sided_95, one_sided_99) in
            [(3.0, 3.182, 4.541), (4.0, 2.776, 3.747), (7.0, 2.365, 2.998), (20.0, 2.086, 2.528), (60.0, 2.000, 2.390)]
        {
            close(student_t_quantile(0.975, df), two_sided_95, 5e-4);
            close(student_t_quantile(0.99, df), one_sided_99, 5e-4);
        }
        close(student_t_quantile(0.025, 10.0), -2.228, 5e-4);
        close(student_t_cdf(0.0, 7.0), 0.5, 1e-12);
        close(student_t_cdf(2.228, 10.0), 0.975, 1e-4);
        close(student_t_quantile(0.975, 1e6), 1.960, 5e-4);
    }

    #[test]
    fn ln_gamma_known_values() {
        close(ln_gamma(1.0), 0.0, 1e-13);
        close(ln_gamma(5.0), 24f64.ln(), 1e-12);
        close(ln_gamma(0.5), std::f64::consts::PI.sqrt().ln(), 1e-12);
    }

    #[test]
    fn welch_separates_different_samples_only() {
        let a = [1.00, 1.02, 0.98, 1.01, 0.99];
        let b = [1.20, 1.22, 1.18, 1.21, 1.19];
        let test = welch_t_test(&a, &b).expect("testable");
        assert!(test.significant && test.t < -10.0, "{test:?}");
        close(test.df, 8.0, 1e-9);

        let same = welch_t_test(&a, &a).expect("testable");
        assert!(!same.significant && same.t == 0.0);
        let noisy = welch_t_test(&[1.0, 2.0, 3.0], &[1.1, 2.1, 3.1]).expect("testable");
        assert!(!noisy.significant);

        assert!(welch_t_test(&[1.0], &a).is_none());
        let constant = welch_t_test(&[1.0, 1.0], &[2.0, 2.0]).expect("testable");
        assert!(constant.significant);
    }

    #[test]
    fn welch_df_with_unequal_variances() {
        // Variances 10/9 and 40/9, n = 10 each: df = 25 * 9 / 17 = 13.235.
        let a: Vec<f64> = (0..10).map(|i| if i % 2 == 0 { 1.0 } else { -1.0 }).collect();
        let b: Vec<f64> = a.iter().map(|v| 2.0 * v).collect();
        let test = welch_t_test(&a, &b).expect("testable");
        let (va, vb) = (variance(&a) / 10.0, variance(&b) / 10.0);
        let expected = (va + vb).powi(2) / (va * va / 9.0 + vb * vb / 9.0);
        close(test.df, expected, 1e-9);
        close(test.df, 13.235, 1e-3);
    }

    #[test]
    fn geometric_mean_of_ratios() {
        close(geometric_mean(&[2.0, 0.5]).expect("gm"), 1.0, 1e-12);
        close(geometric_mean(&[1.0, 4.0, 16.0]).expect("gm"), 4.0, 1e-12);
        assert!(geometric_mean(&[]).is_none());
        assert!(geometric_mean(&[1.0, 0.0]).is_none());
    }

    #[test]
    fn ratio_interval_brackets_the_ratio_and_narrows_with_less_noise() {
        let reference = [2.0, 2.1, 1.9, 2.0, 2.05, 1.95];
        let changed = [1.0, 1.05, 0.95, 1.0, 1.02, 0.98];
        let (low, high) = ratio_interval(&reference, &changed).expect("enough values");
        assert!(low < 0.5 && 0.5 < high && high < 0.6, "{low} {high}");
        let tight = [1.0, 1.001, 0.999, 1.0, 1.0005, 0.9995];
        let (tight_low, tight_high) = ratio_interval(&reference, &tight).expect("enough values");
        assert!(tight_high - tight_low < high - low);
        assert!(ratio_interval(&[1.0], &changed).is_none());
    }

    #[test]
    fn mean_interval_is_t_times_the_standard_error() {
        let summary = Summary::of(&[1.0, 2.0, 3.0]).unwrap();
        // t(0.975, 2) = 4.303, standard error 1/sqrt(3).
        let (low, high) = mean_interval(&summary).unwrap();
        assert!((high - 2.0 - 4.303 / 3f64.sqrt()).abs() < 1e-3 && (2.0 - low - (high - 2.0)).abs() < 1e-12);
        assert!(mean_interval(&Summary::of(&[1.0]).unwrap()).is_none());
    }
}
