//! Any text goes in, a well-formed result comes out: no panics on odd
//! Unicode, truncation reported, attention rows are distributions.
// Reads fixtures from disk; the browser variant is bert_wasm.rs.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::sync::OnceLock;

use attend_core::{BertModel, Tokenizer};
use common::files::{minilm, tiny_model};
use common::*;
use proptest::prelude::*;

fn tiny() -> &'static BertModel {
    static MODEL: OnceLock<BertModel> = OnceLock::new();
    MODEL.get_or_init(tiny_model)
}

fn tokenizer() -> &'static Tokenizer {
    &minilm().tokenizer
}

#[test]
fn empty_text_is_cls_sep() {
    let out = minilm().run("", None, None).expect("run");
    assert_eq!(out.tokens, ["[CLS]", "[SEP]"]);
    assert_eq!(out.input_ids, [101, 102]);
    assert_eq!(out.attentions.shape(), &[6, 12, 2, 2]);
    assert_rows_sum_to_one(&out.attentions, "empty");
    // Whitespace and control characters normalise away to the same thing.
    let blank = minilm().run(" \t\n\u{0}\u{200b}", None, None).expect("run");
    assert_eq!(blank.input_ids, [101, 102]);
}

#[test]
fn long_text_is_truncated_to_512_and_reported() {
    let text: String = "word ".repeat(20_000); // 100,000 characters
    assert_eq!(text.chars().count(), 100_000);
    let full = tokenizer()
        .encode(&text, None, usize::MAX)
        .expect("untruncated");
    assert_eq!(full.input_ids.len(), 20_002);
    let out = minilm().run(&text, None, None).expect("run");
    assert_eq!(out.num_tokens(), 512);
    assert_eq!(out.truncated, 20_000 - 510);
    assert_eq!(out.tokens.last().map(String::as_str), Some("[SEP]"));
    assert_rows_sum_to_one(&out.attentions, "100k chars");
    // A caller limit below the model's is honoured; one above it is capped.
    let short = minilm().run(&text, None, Some(16)).expect("run");
    assert_eq!((short.num_tokens(), short.truncated), (16, 20_000 - 14));
    let capped = minilm().encode(&text, None, Some(4096)).expect("encode");
    assert_eq!(capped.input_ids.len(), 512);
}

#[test]
fn pair_truncation_is_longest_first() {
    let long = "alpha ".repeat(40);
    let enc = tokenizer()
        .encode("one two three", Some(&long), 20)
        .expect("encode");
    // 3 special tokens leave 17: the short sentence keeps its 3, the long one 14.
    assert_eq!(enc.input_ids.len(), 20);
    assert_eq!(enc.truncated, 40 - 14);
    assert_eq!(&enc.tokens[..5], ["[CLS]", "one", "two", "three", "[SEP]"]);
    assert_eq!(enc.token_type_ids.iter().filter(|&&t| t == 1).count(), 15);
    // Both long: the budget is split evenly.
    let both = tokenizer().encode(&long, Some(&long), 21).expect("encode");
    assert_eq!(
        both.token_type_ids.iter().filter(|&&t| t == 0).count(),
        1 + 9 + 1
    );
    assert_eq!(both.truncated, 80 - 18);
    // A limit too small for the special tokens is an error, not a panic.
    assert!(tokenizer().encode("x", Some("y"), 2).is_err());
    assert_eq!(
        tokenizer().encode("", None, 2).expect("fits").input_ids,
        [101, 102]
    );
}

#[test]
fn awkward_unicode_runs() {
    let texts = [
        "\u{0}\u{1}\u{7}\u{1b}[31mred\u{1b}[0m\r\n\u{7f}",
        "🤖🎉👩‍👩‍👧‍👦🏳️‍🌈 emoji",
        "日本語のテキスト、中文文本，한국어",
        "مرحبا بالعالم שלום עולם \u{202e}reversed\u{202c}",
        "e\u{301}\u{302}\u{303}\u{304} Z\u{335}\u{334}\u{336}a\u{337}l\u{338}g\u{489}o",
        "\u{feff}\u{fffd}\u{fffe}\u{10ffff}\u{e000}",
        "[CLS] [SEP] [PAD] [MASK] [UNK]",
        &"x".repeat(500),
    ];
    for text in texts {
        let out = minilm().run(text, Some(text), None).expect("run");
        assert!(out.num_tokens() <= 512 && out.num_tokens() >= 3, "{text:?}");
        assert_eq!(out.tokens.len(), out.num_tokens());
        assert_rows_sum_to_one(&out.attentions, text);
        assert!(out.embedding.iter().all(|x| x.is_finite()));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// Real MiniLM on random Unicode (any scalar value, any length up to 300).
    #[test]
    fn minilm_never_panics(text in "\\PC{0,300}", pair in proptest::option::of("\\PC{0,50}"), max_len in 3usize..600) {
        let out = minilm().run(&text, pair.as_deref(), Some(max_len)).expect("run");
        prop_assert!(out.num_tokens() <= max_len.min(512));
        prop_assert_eq!(out.attentions.shape(), &[6, 12, out.num_tokens(), out.num_tokens()]);
        assert_rows_sum_to_one(&out.attentions, &text);
        let norm: f32 = out.embedding.iter().map(|x| x * x).sum::<f32>().sqrt();
        prop_assert!((norm - 1.0).abs() < 1e-4);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// The tiny BERT has no tokenizer: feed it MiniLM's ids folded into its
    /// 99-word vocabulary. Cheap enough for many cases.
    #[test]
    fn tiny_bert_rows_are_distributions(text in any::<String>(), pair in proptest::option::of(any::<String>())) {
        let enc = tokenizer().encode(&text, pair.as_deref(), 64).expect("encode");
        prop_assert!(enc.input_ids.len() <= 64);
        let ids: Vec<u32> = enc.input_ids.iter().map(|id| id % 99).collect();
        let out = tiny().forward_ids(&ids, &enc.token_type_ids).expect("forward");
        let t = ids.len();
        prop_assert_eq!(out.attentions.shape(), &[2, 4, t, t]);
        prop_assert_eq!(out.hidden_states.shape(), &[3, t, 32]);
        assert_rows_sum_to_one(&out.attentions, &text);
    }
}
