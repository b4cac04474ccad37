//! Comparing an arm to the baseline, and pyperf's stability warnings.
//!
//! Conventions follow `pyperf compare_to`: the normalized mean is
//! `changed mean / baseline mean`; below 1 prints `1.08x faster` (its
//! inverse), above 1 prints `1.03x slower`; a difference that the t-test does
//! not find significant at 95% prints `not significant`. Geometric means are
//! taken over the normalized means of all workloads, significant or not.

use std::fmt;

use crate::stats::{self, TTest};
use crate::units::format_timedelta;

/// Outcome of comparing one arm with the baseline on one workload.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Verdict {
    /// Speed-up factor (> 1).
    Faster(f64),
    /// Slow-down factor (> 1).
    Slower(f64),
    NoChange,
    NotSignificant,
}

impl Verdict {
    fn from_norm_mean(norm_mean: f64) -> Verdict {
        if norm_mean == 1.0 {
            Verdict::NoChange
        } else if norm_mean < 1.0 {
            Verdict::Faster(1.0 / norm_mean)
        } else {
            Verdict::Slower(norm_mean)
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Faster(factor) => write!(f, "{factor:.2}x faster"),
            Verdict::Slower(factor) => write!(f, "{factor:.2}x slower"),
            Verdict::NoChange => f.write_str("no change"),
            Verdict::NotSignificant => f.write_str("not significant"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Comparison {
    /// changed mean / baseline mean.
    pub norm_mean: f64,
    /// `None` when a sample has fewer than 2 values.
    pub test: Option<TTest>,
    /// 95% confidence interval of `norm_mean` ([`stats::ratio_interval`]); `None` as `test`.
    pub interval: Option<(f64, f64)>,
    pub verdict: Verdict,
}

/// Compares values (seconds per call) of a changed arm with the baseline's.
/// Like pyperf, samples too small to test are reported by their ratio (and
/// flagged by [`check_values`]), not hidden.
pub fn compare(baseline: &[f64], changed: &[f64]) -> Comparison {
    let norm_mean = stats::mean(changed) / stats::mean(baseline);
    let test = stats::welch_t_test(baseline, changed);
    let significant = test.is_none_or(|t| t.significant);
    let verdict = if significant { Verdict::from_norm_mean(norm_mean) } else { Verdict::NotSignificant };
    let interval = stats::ratio_interval(baseline, changed);
    Comparison { norm_mean, test, interval, verdict }
}

/// Geometric mean of normalized means, as a verdict without significance
/// (pyperf prints it the same way). `None` if there is nothing to average.
pub fn geometric_mean_verdict(norm_means: &[f64]) -> Option<(f64, Verdict)> {
    let mean = stats::geometric_mean(norm_means)?;
    Some((mean, Verdict::from_norm_mean(mean)))
}

/// A reason to distrust a result, worded as pyperf words it.
#[derive(Clone, Debug, PartialEq)]
pub enum Warning {
    NotEnoughValues { count: usize },
    HighStdev { stdev: f64, mean: f64 },
    Outlier { which: &'static str, value: f64, mean: f64 },
    ShortRawValue { raw: f64 },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::NotEnoughValues { count } => {
                write!(f, "not enough values ({count}); at least 2 are needed for a t-test")
            }
            Warning::HighStdev { stdev, mean } => write!(
                f,
                "the standard deviation ({}) is {:.0}% of the mean ({})",
                format_timedelta(*stdev),
                stdev * 100.0 / mean,
                format_timedelta(*mean)
            ),
            Warning::Outlier { which, value, mean } => {
                let percent = (value - mean) * 100.0 / mean;
                let direction = if percent >= 0.0 { "greater" } else { "smaller" };
                write!(
                    f,
                    "the {which} ({}) is {:.0}% {direction} than the mean ({})",
                    format_timedelta(*value),
                    percent.abs(),
                    format_timedelta(*mean)
                )
            }
            Warning::ShortRawValue { raw } => {
                write!(f, "the shortest raw value is only {}", format_timedelta(*raw))
            }
        }
    }
}

/// pyperf's checks on one benchmark. `values` are seconds per call; a raw
/// value (one measured value's total time) is `value × loops`.
pub fn check_values(values: &[f64], loops: u64) -> Vec<Warning> {
    let mut warnings = Vec::new();
    if values.len() < 2 {
        warnings.push(Warning::NotEnoughValues { count: values.len() });
    }
    let Some(summary) = stats::Summary::of(values) else {
        return warnings;
    };
    let mean = summary.mean;
    if values.len() >= 2 && summary.stdev >= 0.1 * mean {
        warnings.push(Warning::HighStdev { stdev: summary.stdev, mean });
    }
    for (which, value) in [("minimum", summary.min), ("maximum", summary.max)] {
        if ((value - mean) / mean).abs() >= 0.5 {
            warnings.push(Warning::Outlier { which, value, mean });
        }
    }
    let raw = summary.min * loops as f64;
    if raw < 1e-3 {
        warnings.push(Warning::ShortRawValue { raw });
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_print_like_pyperf() {
        assert_eq!(Verdict::Faster(1.0 / 0.926).to_string(), "1.08x faster");
        assert_eq!(Verdict::Slower(1.03).to_string(), "1.03x slower");
        assert_eq!(Verdict::NotSignificant.to_string(), "not significant");
        assert_eq!(Verdict::NoChange.to_string(), "no change");
    }

    #[test]
    fn faster_changed_arm_is_faster() {
        let baseline = [1.08, 1.09, 1.07, 1.08];
        let changed = [1.00, 1.01, 0.99, 1.00];
        let comparison = compare(&baseline, &changed);
        assert_eq!(comparison.verdict.to_string(), "1.08x faster");
        let reverse = compare(&changed, &baseline);
        assert_eq!(reverse.verdict.to_string(), "1.08x slower");
        let noisy = compare(&[1.0, 2.0, 3.0], &[1.1, 2.1, 3.1]);
        assert_eq!(noisy.verdict, Verdict::NotSignificant);
        let single = compare(&[2.0], &[1.0]);
        assert!(single.test.is_none());
        assert_eq!(single.verdict.to_string(), "2.00x faster");
    }

    #[test]
    fn geometric_mean_of_norm_means() {
        let (mean, verdict) = geometric_mean_verdict(&[0.5, 2.0]).expect("two");
        assert!((mean - 1.0).abs() < 1e-12);
        assert_eq!(verdict, Verdict::NoChange);
        let (_, verdict) = geometric_mean_verdict(&[0.8, 0.9]).expect("two");
        assert_eq!(verdict.to_string(), "1.18x faster");
        assert!(geometric_mean_verdict(&[]).is_none());
    }

    #[test]
    fn warnings_match_pyperf_checks() {
        // Stable and long enough: nothing to say.
        assert!(check_values(&[1.0e-3, 1.01e-3, 0.99e-3], 10).is_empty());

        let noisy = check_values(&[1.0, 1.0, 1.0, 2.6], 1);
        let text: Vec<String> = noisy.iter().map(ToString::to_string).collect();
        assert!(text[0].starts_with("the standard deviation (800 ms) is 57% of the mean (1.40 sec)"), "{text:?}");
        assert!(
            text.contains(&"the maximum (2.60 sec) is 86% greater than the mean (1.40 sec)".to_string()),
            "{text:?}"
        );

        let short = check_values(&[2e-6, 2e-6], 100);
        assert_eq!(short[0].to_string(), "the shortest raw value is only 200 us");

        let single = check_values(&[1.0], 1);
        assert_eq!(single, [Warning::NotEnoughValues { count: 1 }]);
    }
}
