//! Fidelity against the reference implementation: our encoder must reproduce
//! the golden tokens, attentions, hidden states and embeddings that the
//! reference BERT produced for the fixtures (see `tests/fixtures/`).
// Reads fixtures from disk; the browser variant is bert_wasm.rs.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use attend_core::Tokenizer;
use common::files::{minilm, minilm_file, minilm_golden, read, tiny_dir, tiny_model};
use common::*;

#[test]
fn tiny_bert_matches_golden() {
    let golden = String::from_utf8(read(tiny_dir().join("golden.json"))).expect("UTF-8");
    let devs = check_tiny_golden(&tiny_model(), &golden);
    for (i, (dev, pooler)) in devs.iter().enumerate() {
        eprintln!(
            "tiny-bert input {i}: attention max|Δ| {:.3e}, hidden max|Δ| {:.3e}, \
             last_hidden max|Δ| {:.3e}, pooler max|Δ| {:.3e}",
            dev.attention, dev.hidden, dev.last_hidden, pooler
        );
    }
}

#[test]
fn tiny_bert_sentence_pair_uses_token_types() {
    // Input 2 is a pair; with its type ids zeroed the output must change,
    // proving the token-type embeddings are actually applied.
    let golden: TinyGolden =
        serde_json::from_slice(&read(tiny_dir().join("golden.json"))).expect("parses");
    let pair = &golden.inputs[2];
    assert_eq!(pair.token_type_ids, vec![0, 0, 0, 0, 1, 1, 1]);
    let model = tiny_model();
    let with_types = model
        .forward_ids(&pair.input_ids, &pair.token_type_ids)
        .expect("forward");
    let zeros = vec![0; pair.input_ids.len()];
    let without = model.forward_ids(&pair.input_ids, &zeros).expect("forward");
    let changed = max_abs_diff(
        "types",
        &with_types.last_hidden_state,
        &without.last_hidden_state,
    );
    assert!(
        changed > 1e-3,
        "token types had no effect (max |Δ| {changed:e})"
    );
}

fn check_minilm(n: usize) {
    let bert = minilm();
    let golden = minilm_golden(n);
    let what = format!("a{n:02} {:?}", golden.sentence);
    let out = bert.run(&golden.sentence, None, None).expect("run");
    assert_eq!(out.tokens, golden.tokens, "{what}: tokens");
    assert_eq!(out.input_ids, golden.input_ids, "{what}: ids");
    assert_eq!(
        out.token_type_ids, golden.token_type_ids,
        "{what}: type ids"
    );
    assert_eq!(out.num_tokens(), golden.num_tokens);
    assert_eq!(out.truncated, 0);
    let dev = deviation(&what, (&out).into(), (&golden).into());
    let cos = cosine(&out.embedding, &golden.embedding);
    eprintln!(
        "{what}: T={} attention max|Δ| {:.3e}, hidden max|Δ| {:.3e}, last_hidden max|Δ| {:.3e}, \
         embedding cosine {cos:.9}",
        out.num_tokens(),
        dev.attention,
        dev.hidden,
        dev.last_hidden
    );
    dev.assert_within_tolerance(&what);
    assert!(
        cos >= MIN_EMBEDDING_COSINE,
        "{what}: embedding cosine {cos}"
    );
    assert_rows_sum_to_one(&out.attentions, &what);
}

macro_rules! minilm_fixtures {
    ($($name:ident => $n:expr),* $(,)?) => {$(
        #[test]
        fn $name() {
            check_minilm($n);
        }
    )*};
}

minilm_fixtures! {
    minilm_matches_golden_a01 => 1,
    minilm_matches_golden_a02 => 2,
    minilm_matches_golden_a03 => 3,
    minilm_matches_golden_a04 => 4,
    minilm_matches_golden_a05 => 5,
    minilm_matches_golden_a06 => 6,
    minilm_matches_golden_a07 => 7,
    minilm_matches_golden_a08 => 8,
}

#[test]
fn vocab_txt_fallback_matches_tokenizer_json() {
    let reference = Tokenizer::from_bytes(&minilm_file("tokenizer.json")).expect("json");
    let fallback = Tokenizer::from_vocab_txt(&minilm_file("vocab.txt"), true).expect("vocab");
    assert_eq!(fallback.vocab_size(), reference.vocab_size());
    let mut texts: Vec<String> = (1..=8).map(|n| minilm_golden(n).sentence).collect();
    texts.extend(
        [
            "Ça coûte 12,50 € — naïve café!",
            "東京は日本の首都です",
            "emoji 🤖🎉 and [MASK] token",
            "unaffable tokenization ##hash",
            "",
        ]
        .map(String::from),
    );
    for text in &texts {
        let a = reference.encode(text, None, 512).expect("json encode");
        let b = fallback.encode(text, None, 512).expect("vocab encode");
        assert_eq!(a, b, "{text:?}");
    }
    let a = reference
        .encode("First one.", Some("Second one!"), 512)
        .expect("pair");
    let b = fallback
        .encode("First one.", Some("Second one!"), 512)
        .expect("pair");
    assert_eq!(a, b);
    assert_eq!(a.token_type_ids, vec![0, 0, 0, 0, 0, 1, 1, 1, 1]);
}

#[test]
fn qkv_reproduces_the_attention() {
    let bert = minilm();
    let text = "The animal didn't cross the street because it was too tired.";
    let out = bert.run(text, None, None).expect("run");
    let t = out.num_tokens();
    for layer in [0, 5] {
        let qkv = bert.qkv(text, None, None, layer).expect("qkv");
        assert_eq!(qkv.q.shape(), &[12, t, 32]);
        let mut worst = 0f32;
        for head in 0..12 {
            let q = qkv.q.slice(&[head]).expect("q");
            let k = qkv.k.slice(&[head]).expect("k");
            let probs = out.attention(layer, head).expect("attention");
            for i in 0..t {
                // softmax(q_i · k_j / √d) by hand, in f64.
                let scores: Vec<f64> = (0..t)
                    .map(|j| {
                        let dot: f64 = (0..32)
                            .map(|d| f64::from(q[i * 32 + d]) * f64::from(k[j * 32 + d]))
                            .sum();
                        dot / 32f64.sqrt()
                    })
                    .collect();
                let max = scores.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                let exps: Vec<f64> = scores.iter().map(|s| (s - max).exp()).collect();
                let total: f64 = exps.iter().sum();
                for j in 0..t {
                    worst = worst.max(((exps[j] / total) as f32 - probs[i * t + j]).abs());
                }
            }
        }
        eprintln!("qkv layer {layer}: softmax(qkᵀ/√d) vs attentions max|Δ| {worst:.3e}");
        assert!(worst <= 1e-5, "layer {layer}: {worst:e}");
    }
}
