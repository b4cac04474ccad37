//! Human formatting of durations and sizes, matching pyperf's output so numbers
//! read the same in copylab and `python -m pyperf` reports.

const TIME_UNITS: [&str; 4] = ["sec", "ms", "us", "ns"];

/// Formats several durations (seconds) with the unit and precision chosen
/// for the first one, as pyperf does for "mean +- std dev": three significant
/// digits of the first value, e.g. `2.81 ms`, `26.3 us`, `170 us`.
pub fn format_timedeltas(values: &[f64]) -> Vec<String> {
    let reference = values.first().map_or(0.0, |v| v.abs());
    let exponent = (-9..=2).rev().find(|i| reference >= 10f64.powi(*i)).unwrap_or(-9);
    let precision = (2 - exponent.rem_euclid(3)) as usize;
    let k = if exponent < 0 { (-exponent.div_euclid(3)) as usize } else { 0 };
    let factor = 10f64.powi(3 * k as i32);
    values.iter().map(|v| format!("{:.*} {}", precision, v * factor, TIME_UNITS[k])).collect()
}

pub fn format_timedelta(seconds: f64) -> String {
    format_timedeltas(&[seconds]).remove(0)
}

/// `mean ± std dev` with one unit for both.
pub fn format_mean_stdev(mean: f64, stdev: f64) -> String {
    let parts = format_timedeltas(&[mean, stdev]);
    format!("{} ± {}", parts[0], parts[1])
}

/// Sizes as pyperf prints them: bytes below 10 KiB, KiB below 10 MiB, then MiB.
pub fn format_filesize(bytes: f64) -> String {
    if bytes < 10.0 * 1024.0 {
        format!("{bytes:.0} bytes")
    } else if bytes > 10.0 * 1024.0 * 1024.0 {
        format!("{:.1} MiB", bytes / (1024.0 * 1024.0))
    } else {
        format!("{:.1} KiB", bytes / 1024.0)
    }
}

/// A count with thousands kept readable: `1234` -> `1,234`; fractions kept
/// to one decimal below 100 (allocations per call averaged over workers).
pub fn format_count(value: f64) -> String {
    if value < 100.0 && value.fract() != 0.0 {
        return format!("{value:.1}");
    }
    let digits = format!("{value:.0}");
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 && c.is_ascii_digit() {
            grouped.push(',');
        }
        grouped.push(c);
    }
    grouped
}

/// `seconds` since the Unix epoch as `YYYY-MM-DD HH:MM:SS+00:00` (ISO 8601, which pyperf parses) (the civil-from-days
/// algorithm of Howard Hinnant's date library), to date a run without a time crate.
pub fn format_utc(seconds: u64) -> String {
    let days = (seconds / 86_400) as i64;
    let rest = seconds % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 { shifted_month + 3 } else { shifted_month - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}+00:00", rest / 3600, rest % 3600 / 60, rest % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_look_like_pyperf() {
        assert_eq!(format_timedelta(2.81e-3), "2.81 ms");
        assert_eq!(format_timedelta(26.34e-6), "26.3 us");
        assert_eq!(format_timedelta(170.4e-6), "170 us");
        assert_eq!(format_timedelta(1.5), "1.50 sec");
        assert_eq!(format_timedelta(12e-9), "12.0 ns");
        assert_eq!(format_mean_stdev(2.81e-3, 0.05e-3), "2.81 ms ± 0.05 ms");
    }

    #[test]
    fn sizes_and_counts() {
        assert_eq!(format_filesize(512.0), "512 bytes");
        assert_eq!(format_filesize(15_812.0 * 1024.0), "15.4 MiB");
        assert_eq!(format_filesize(20_000.0), "19.5 KiB");
        assert_eq!(format_count(1_234_567.0), "1,234,567");
        assert_eq!(format_count(12.5), "12.5");
        assert_eq!(format_count(300.0), "300");
    }

    #[test]
    fn utc_dates() {
        assert_eq!(format_utc(0), "1970-01-01 00:00:00+00:00");
        assert_eq!(format_utc(951_782_400), "2000-02-29 00:00:00+00:00");
        assert_eq!(format_utc(1_796_594_565), "2026-12-06 22:02:45+00:00");
    }
}
