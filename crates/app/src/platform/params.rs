//! Reading numbers out of a URL or a text box that anyone can type into:
//! every reader returns a usable value plus, when it had to change what was
//! given, a sentence saying why.

/// Parses an integer and clamps it into `min..=max`; `None` input → default.
pub fn int_in_range(
    name: &str,
    raw: Option<&str>,
    default: usize,
    min: usize,
    max: usize,
    notices: &mut Vec<String>,
) -> usize {
    let Some(raw) = raw else { return default };
    // Whole numbers written as 1e9 or too long for i64 still mean "huge".
    let parsed = raw
        .trim()
        .parse::<i64>()
        .ok()
        .map(|v| v as f64)
        .or_else(|| {
            raw.trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && v.fract() == 0.0)
        });
    match parsed.ok_or(()) {
        Ok(v) if v < min as f64 => {
            notices.push(format!("{name} must be at least {min}; using {min}."));
            min
        }
        Ok(v) if v > max as f64 => {
            notices.push(format!("{name} is limited to {max}; using {max}."));
            max
        }
        Ok(v) => v as usize,
        Err(()) => {
            notices.push(format!(
                "{name} must be a whole number, not “{}”; using {default}.",
                shorten(raw)
            ));
            default
        }
    }
}

/// Parses a finite float clamped into `min..=max` (exclusive of nothing:
/// callers pick bounds that are themselves valid).
pub fn float_in_range(
    name: &str,
    raw: Option<&str>,
    default: f64,
    min: f64,
    max: f64,
    notices: &mut Vec<String>,
) -> f64 {
    let Some(raw) = raw else { return default };
    match raw.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v < min => {
            notices.push(format!("{name} must be at least {min}; using {min}."));
            min
        }
        Ok(v) if v.is_finite() && v > max => {
            notices.push(format!("{name} is limited to {max}; using {max}."));
            max
        }
        Ok(v) if v.is_finite() => v,
        _ => {
            notices.push(format!(
                "{name} must be a number, not “{}”; using {default}.",
                shorten(raw)
            ));
            default
        }
    }
}

/// Parses `0,2,4` into distinct indices below `limit`, at most `max_items`.
pub fn index_list(
    name: &str,
    raw: Option<&str>,
    default: &[usize],
    limit: usize,
    max_items: usize,
    notices: &mut Vec<String>,
) -> Vec<usize> {
    let Some(raw) = raw else {
        return default.iter().copied().filter(|&i| i < limit).collect();
    };
    let mut out = Vec::new();
    let mut dropped = Vec::new();
    for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part.parse::<usize>() {
            Ok(i) if i < limit && !out.contains(&i) => out.push(i),
            Ok(i) if out.contains(&i) => {}
            _ => dropped.push(shorten(part)),
        }
    }
    if !dropped.is_empty() {
        notices.push(format!(
            "{name}: ignored {} (each must be a whole number below {limit}).",
            dropped.join(", ")
        ));
    }
    if out.len() > max_items {
        notices.push(format!(
            "{name}: at most {max_items} at once; kept the first {max_items}."
        ));
        out.truncate(max_items);
    }
    if out.is_empty() {
        out = default.iter().copied().filter(|&i| i < limit).collect();
    }
    out
}

/// User text quoted back in a message is cut short: a pasted novel must not
/// become the error message.
fn shorten(raw: &str) -> String {
    const MAX_CHARS: usize = 24;
    let mut s: String = raw.chars().take(MAX_CHARS).collect();
    if raw.chars().count() > MAX_CHARS {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamps_and_explains() {
        let mut n = Vec::new();
        assert_eq!(
            int_in_range("len", Some("99999"), 64, 1, 2048, &mut n),
            2048
        );
        assert_eq!(int_in_range("len", Some("-5"), 64, 1, 2048, &mut n), 1);
        assert_eq!(int_in_range("len", Some("abc"), 64, 1, 2048, &mut n), 64);
        assert_eq!(int_in_range("len", Some(" 32 "), 64, 1, 2048, &mut n), 32);
        assert_eq!(int_in_range("len", None, 64, 1, 2048, &mut n), 64);
        assert_eq!(int_in_range("len", Some("1e9"), 64, 1, 2048, &mut n), 2048);
        assert_eq!(int_in_range("len", Some("1.5"), 64, 1, 2048, &mut n), 64);
        assert_eq!(
            int_in_range("d", Some("99999999999999999999"), 64, 2, 1024, &mut n),
            1024
        );
        assert_eq!(n.len(), 6);
        assert!(n[0].contains("2048"));
    }

    #[test]
    fn floats_reject_nan_and_infinity() {
        let mut n = Vec::new();
        assert_eq!(
            float_in_range("base", Some("NaN"), 1e4, 2.0, 1e9, &mut n),
            1e4
        );
        assert_eq!(
            float_in_range("base", Some("inf"), 1e4, 2.0, 1e9, &mut n),
            1e4
        );
        assert_eq!(
            float_in_range("base", Some("1e12"), 1e4, 2.0, 1e9, &mut n),
            1e9
        );
        assert_eq!(
            float_in_range("base", Some("500"), 1e4, 2.0, 1e9, &mut n),
            500.0
        );
        assert_eq!(n.len(), 3);
    }

    #[test]
    fn index_lists_drop_bad_entries() {
        let mut n = Vec::new();
        let got = index_list("pos", Some("0, 2,x,4,4,999"), &[0], 64, 8, &mut n);
        assert_eq!(got, vec![0, 2, 4]);
        assert_eq!(n.len(), 1);
        assert!(n[0].contains('x') && n[0].contains("999"));
        let got = index_list("pos", Some("1,2,3,4,5,6,7,8,9,10"), &[0], 64, 8, &mut n);
        assert_eq!(got.len(), 8);
        assert_eq!(
            index_list("pos", Some(",,"), &[0, 2], 64, 8, &mut n),
            vec![0, 2]
        );
    }

    #[test]
    fn long_garbage_is_quoted_short() {
        let mut n = Vec::new();
        let junk = "z".repeat(10_000);
        int_in_range("len", Some(&junk), 64, 1, 2048, &mut n);
        assert!(n[0].chars().count() < 100);
    }
}
