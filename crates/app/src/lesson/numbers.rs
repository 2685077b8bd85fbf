//! Number formatting the lesson's prose shares.

/// "1774464" → "1,774,464" (a string of ASCII digits).
pub fn group_digits(digits: &str) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// 1774464 → "1,774,464".
pub fn group_thousands(n: usize) -> String {
    group_digits(&n.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(group_thousands(1_774_464), "1,774,464");
        assert_eq!(group_thousands(768), "768");
        assert_eq!(group_thousands(1000), "1,000");
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_digits("60611"), "60,611");
    }
}
