//! Words that change with a number or with the word after them: the one place that decides
//! "1 young person" / "2 young people", "a"/"an", and "n/a" where there is nothing to divide.
//! Messages in Rust and the theme's templates (as Tera filters) both use these.

/// The plural of an English noun or noun phrase (only its last word changes).
pub fn plural(one: &str) -> String {
    let (head, last) = match one.rfind(' ') {
        Some(i) => one.split_at(i + 1),
        None => ("", one),
    };
    let many = match last {
        "person" => "people".to_string(),
        "child" => "children".to_string(),
        // Uncountable in Waymark's messages: "3 info", "2 staff".
        "info" | "staff" | "n/a" => last.to_string(),
        w if w.ends_with('y') && !w.ends_with("ay") && !w.ends_with("ey") && !w.ends_with("oy") => {
            format!("{}ies", &w[..w.len() - 1])
        }
        w if w.ends_with('s') || w.ends_with('x') || w.ends_with("ch") || w.ends_with("sh") => format!("{w}es"),
        w => format!("{w}s"),
    };
    format!("{head}{many}")
}

/// A number with its noun, singular for exactly one: "1 young person", "0 young people".
pub fn count(n: impl std::fmt::Display, one: &str) -> String {
    let n = n.to_string();
    if n == "1" {
        format!("1 {one}")
    } else {
        format!("{n} {}", plural(one))
    }
}

/// The noun alone, singular or plural for `n`: for sentences where the number stands apart.
pub fn noun(n: impl std::fmt::Display, one: &str) -> String {
    if n.to_string() == "1" {
        one.to_string()
    } else {
        plural(one)
    }
}

/// The word with "a" or "an" before it, by how it sounds: "an accommodation type", "a user".
pub fn a(word: &str) -> String {
    format!("{} {word}", article(word))
}

/// "a" or "an" for the word, by its first sound.
pub fn article(word: &str) -> &'static str {
    let w = word.trim_start_matches(['`', '"', '\'', '(']).to_ascii_lowercase();
    // Words whose spelling and first sound disagree.
    const AN: &[&str] = &["hour", "honest", "honour", "heir", "nhs", "sms", "mp", "fe"];
    const A: &[&str] = &["one", "once", "uni", "use", "usu", "uk", "eu", "eur", "ua", "ue"];
    let first_word: String = w.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
    if AN.iter().any(|p| first_word == *p || (p.len() > 3 && first_word.starts_with(p))) {
        return "an";
    }
    if A.iter().any(|p| first_word.starts_with(p)) && !first_word.starts_with("unk") && !first_word.starts_with("und") {
        return "a";
    }
    let digits = first_word.chars().take_while(char::is_ascii_digit).count();
    match first_word.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        // Numbers read aloud: "an 8", "an 11", "an 18th" (eight, eleven, eighteen, eighty...).
        Some('8') => "an",
        Some('1') if (digits == 2 || digits == 5) && (first_word.starts_with("11") || first_word.starts_with("18")) => {
            "an"
        }
        _ => "a",
    }
}

/// A share in whole per cent, "67%"; "n/a" when there is nothing to divide.
pub fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        "n/a".to_string()
    } else {
        format!("{}%", ((part as f64) * 100.0 / (whole as f64)).round() as u64)
    }
}

/// Tera filter `count(one="young person")`: a number with its noun.
pub fn count_filter(
    value: &tera::Value,
    args: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let n = value.as_u64().ok_or_else(|| tera::Error::msg("`count` needs a whole number"))?;
    let one = args.get("one").and_then(|v| v.as_str()).ok_or_else(|| tera::Error::msg("`count` needs one=\"noun\""))?;
    Ok(tera::Value::String(count(n, one)))
}

/// Tera filter `noun(n=3)`: the noun, singular or plural for `n`.
pub fn noun_filter(
    value: &tera::Value,
    args: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let one = value.as_str().ok_or_else(|| tera::Error::msg("`noun` applies to a word"))?;
    let n = args.get("n").and_then(|v| v.as_u64()).ok_or_else(|| tera::Error::msg("`noun` needs n=<number>"))?;
    Ok(tera::Value::String(noun(n, one)))
}

/// Tera filter `a`: the word with "a" or "an" before it.
pub fn a_filter(value: &tera::Value, _: &std::collections::HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    let word = value.as_str().ok_or_else(|| tera::Error::msg("`a` applies to a word"))?;
    Ok(tera::Value::String(a(word)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals() {
        assert_eq!(count(1, "young person"), "1 young person");
        assert_eq!(count(0, "young person"), "0 young people");
        assert_eq!(count(2, "young person"), "2 young people");
        assert_eq!(count(1, "day"), "1 day");
        assert_eq!(count(14, "day"), "14 days");
        assert_eq!(count(3, "info"), "3 info");
        assert_eq!(count(2, "family"), "2 families");
        assert_eq!(count(2, "match"), "2 matches");
        assert_eq!(noun(1, "error"), "error");
        assert_eq!(noun(5, "error"), "errors");
    }

    #[test]
    fn articles() {
        assert_eq!(a("accommodation type"), "an accommodation type");
        assert_eq!(a("activity type"), "an activity type");
        assert_eq!(a("legal status"), "a legal status");
        assert_eq!(a("outcome"), "an outcome");
        assert_eq!(a("in touch value"), "an in touch value");
        assert_eq!(a("health-passport"), "a health-passport");
        assert_eq!(a("unknown field"), "an unknown field");
        assert_eq!(a("user"), "a user");
        assert_eq!(a("unique id"), "a unique id");
        assert_eq!(a("hour"), "an hour");
        assert_eq!(a("NHS number"), "an NHS number");
        assert_eq!(a("`outcome`"), "an `outcome`");
        assert_eq!(a("18th birthday"), "an 18th birthday");
        assert_eq!(a("8 week gap"), "an 8 week gap");
        assert_eq!(a("12 week gap"), "a 12 week gap");
    }

    #[test]
    fn percentages() {
        assert_eq!(percent(0, 0), "n/a");
        assert_eq!(percent(2, 3), "67%");
        assert_eq!(percent(3, 3), "100%");
    }
}
