//! Example sentences with their grammatical links written by hand, for the
//! "all words connected at once" picture. The strengths are illustrative;
//! the real-head toggle shows what a trained model actually does.

pub const KINDS: [&str; 5] = [
    "verb → subject",
    "adjective → the word it describes",
    "article → noun",
    "linking word → what it links",
    "pronoun → what it refers to",
];

pub struct Example {
    pub slug: &'static str,
    pub text: &'static str,
    /// (from word, to word, strength, kind index into `KINDS`)
    pub links: &'static [(usize, usize, f32, usize)],
}

pub const EXAMPLES: &[Example] = &[
    Example {
        slug: "keys",
        text: "The keys to the old cabinet are on the table",
        links: &[
            // "are" agrees with "keys", five words back — the RNN's hard case.
            (6, 1, 0.9, 0),
            (0, 1, 0.6, 2),
            (4, 5, 0.7, 1),
            (3, 5, 0.6, 2),
            (8, 9, 0.6, 2),
            (7, 6, 0.5, 3),
            (2, 5, 0.4, 3),
        ],
    },
    Example {
        slug: "fox",
        text: "The quick brown fox jumps over the lazy dog",
        links: &[
            (4, 3, 0.9, 0),
            (1, 3, 0.7, 1),
            (2, 3, 0.7, 1),
            (0, 3, 0.6, 2),
            (7, 8, 0.7, 1),
            (6, 8, 0.6, 2),
            (5, 4, 0.5, 3),
        ],
    },
    Example {
        slug: "animal",
        text: "The animal didn't cross the street because it was tired",
        links: &[
            (7, 1, 0.9, 4),
            (3, 1, 0.8, 0),
            (8, 7, 0.7, 0),
            (0, 1, 0.6, 2),
            (4, 5, 0.6, 2),
            (6, 3, 0.5, 3),
            (9, 7, 0.5, 1),
        ],
    },
];

impl Example {
    pub fn find(slug: &str) -> Option<&'static Example> {
        EXAMPLES.iter().find(|e| e.slug == slug)
    }

    pub fn words(&self) -> Vec<String> {
        self.text.split_whitespace().map(str::to_string).collect()
    }
}

/// From one attention head (`t × t`, row-major, over `tokens`): each real
/// token's strongest link to another real token. `[CLS]`/`[SEP]` are left
/// out — they soak up attention that says little about the sentence.
/// Returns the kept tokens and (from, to, weight) in their indices.
pub fn strongest_links(tokens: &[String], head: &[f32]) -> (Vec<String>, Vec<(usize, usize, f32)>) {
    let t = tokens.len();
    let keep: Vec<usize> = (0..t)
        .filter(|&i| !matches!(tokens[i].as_str(), "[CLS]" | "[SEP]" | "[PAD]"))
        .collect();
    let mut links = Vec::new();
    if head.len() != t * t {
        return (Vec::new(), links);
    }
    for (from, &q) in keep.iter().enumerate() {
        let best = keep
            .iter()
            .enumerate()
            .filter(|&(_, &k)| k != q)
            .map(|(to, &k)| (to, head[q * t + k]))
            .fold(None, |acc: Option<(usize, f32)>, (to, w)| match acc {
                Some((_, bw)) if bw >= w => acc,
                _ => Some((to, w)),
            });
        if let Some((to, w)) = best {
            links.push((from, to, w));
        }
    }
    (keep.iter().map(|&i| tokens[i].clone()).collect(), links)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_link_is_inside_its_sentence() {
        for e in EXAMPLES {
            let n = e.words().len();
            for &(from, to, w, kind) in e.links {
                assert!(from < n && to < n && from != to, "{}", e.slug);
                assert!(w > 0.0 && w <= 1.0 && kind < KINDS.len());
            }
        }
        assert_eq!(Example::find("keys").unwrap().words()[6], "are");
        assert_eq!(Example::find("animal").unwrap().words()[7], "it");
    }

    #[test]
    fn strongest_links_skip_specials_and_self() {
        let tokens: Vec<String> = ["[CLS]", "dogs", "bark", "[SEP]"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        #[rustfmt::skip]
        let head = [
            0.7, 0.1, 0.1, 0.1,
            0.5, 0.3, 0.1, 0.1,   // dogs: mostly [CLS], then itself, then bark
            0.1, 0.6, 0.2, 0.1,   // bark → dogs
            0.2, 0.2, 0.2, 0.4,
        ];
        let (kept, links) = strongest_links(&tokens, &head);
        assert_eq!(kept, vec!["dogs", "bark"]);
        assert_eq!(links, vec![(0, 1, 0.1), (1, 0, 0.6)]);
        assert_eq!(strongest_links(&tokens, &head[..3]).1, vec![]);
    }
}
