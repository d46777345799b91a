//! Text rules shared by the API and the data file: slugs, and accent-insensitive search.

/// A slug: lowercase ASCII letters and digits in groups joined by single hyphens, at most
/// 100 characters.
pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 100
        && slug.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Folds text for comparison: lowercase, with the accents of Dutch and other Latin scripts
/// removed ("Creëren" and "creeren" fold alike).
pub fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ý' | 'ÿ' => 'y',
            'ç' => 'c',
            'ñ' => 'n',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(is_valid_slug("welzijn-lelystad"));
        assert!(is_valid_slug("vhf-1"));
        assert!(!is_valid_slug(""));
        assert!(!is_valid_slug("Welzijn"));
        assert!(!is_valid_slug("a--b"));
        assert!(!is_valid_slug("-a"));
        assert!(!is_valid_slug("a-"));
        assert!(!is_valid_slug("café"));
        assert!(!is_valid_slug(&"a".repeat(101)));
    }

    #[test]
    fn folding_ignores_case_and_accents() {
        assert_eq!(fold("Creëren ÉÉN"), "creeren een");
    }
}
