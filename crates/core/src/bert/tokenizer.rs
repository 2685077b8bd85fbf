//! Text → word pieces, with BERT's special tokens and truncation.
//!
//! Wraps the HF `tokenizers` crate. We encode the sentences *without* special
//! tokens, truncate them ourselves, then let the checkpoint's post-processor
//! add `[CLS]`/`[SEP]` and type ids: that is what HF does internally, but doing
//! it here lets us report how many pieces were dropped, and sidesteps the
//! `max_length - added_tokens` underflow the library has for tiny limits.

use serde::{Deserialize, Serialize};
use tokenizers::models::wordpiece::WordPiece;
use tokenizers::normalizers::BertNormalizer;
use tokenizers::pre_tokenizers::bert::BertPreTokenizer;
use tokenizers::processors::bert::BertProcessing;
use tokenizers::utils::truncation::{
    truncate_encodings, TruncationDirection, TruncationParams, TruncationStrategy,
};
use tokenizers::{AddedToken, PostProcessor};

use super::BertError;

/// The tokenized form of one input (a sentence or a sentence pair).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Encoding {
    /// Word pieces including special tokens.
    pub tokens: Vec<String>,
    pub input_ids: Vec<u32>,
    /// 0 for `[CLS]`, the first sentence and its `[SEP]`; 1 for the pair.
    pub token_type_ids: Vec<u32>,
    /// Word pieces dropped so that the input fits `max_len` (0 if none).
    pub truncated: usize,
}

/// A BERT word-piece tokenizer.
#[derive(Clone)]
pub struct Tokenizer {
    inner: tokenizers::Tokenizer,
}

impl std::fmt::Debug for Tokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokenizer")
            .field("vocab_size", &self.vocab_size())
            .finish()
    }
}

fn tok_err(e: impl std::fmt::Display) -> BertError {
    BertError::Tokenizer(e.to_string())
}

const CLS: &str = "[CLS]";
const SEP: &str = "[SEP]";
const UNK: &str = "[UNK]";
/// Longest word WordPiece tries to split before giving up with `[UNK]`;
/// the value every BERT checkpoint uses.
const MAX_INPUT_CHARS_PER_WORD: usize = 100;

impl Tokenizer {
    /// Loads a HF `tokenizer.json`.
    ///
    /// Any truncation or padding stored in the file is switched off: the
    /// sentence-transformers files pad every input to 128 tokens, which would
    /// add `[PAD]` rows to the attention maps; we truncate explicitly instead.
    pub fn from_bytes(tokenizer_json: &[u8]) -> Result<Self, BertError> {
        let mut inner = tokenizers::Tokenizer::from_bytes(tokenizer_json).map_err(tok_err)?;
        inner.with_truncation(None).map_err(tok_err)?;
        inner.with_padding(None);
        if inner.get_post_processor().is_none() {
            // Without a post-processor nothing would add [CLS]/[SEP], which
            // every BERT input needs.
            let processing = bert_processing(|t| inner.token_to_id(t))?;
            inner.with_post_processor(Some(processing));
        }
        Ok(Tokenizer { inner })
    }

    /// Builds the classic BERT pipeline (BertNormalizer, BertPreTokenizer,
    /// WordPiece, BertProcessing) from a `vocab.txt`, one token per line, the
    /// line number being the id; for checkpoints without a `tokenizer.json`.
    /// `lowercase` is the checkpoint's `do_lower_case` (true for `uncased`);
    /// accents are stripped exactly when lowercasing, as in BERT.
    pub fn from_vocab_txt(vocab_txt: &[u8], lowercase: bool) -> Result<Self, BertError> {
        let text = std::str::from_utf8(vocab_txt)
            .map_err(|e| BertError::Tokenizer(format!("vocab.txt is not UTF-8: {e}")))?;
        // Same parsing as the library's own `WordPiece::from_file`: one token
        // per line, trailing whitespace trimmed, a later duplicate wins.
        let mut vocab = serde_json::Map::new();
        for (id, line) in text.lines().enumerate() {
            vocab.insert(line.trim_end().to_owned(), serde_json::Value::from(id));
        }
        if vocab.is_empty() {
            return Err(BertError::Tokenizer("vocab.txt is empty".into()));
        }
        if !vocab.contains_key(UNK) {
            return Err(BertError::Tokenizer(format!(
                "vocab.txt has no {UNK} token"
            )));
        }
        // The library takes its vocabulary as a hash map type it does not
        // re-export, so we hand the model over through its serde form (as
        // bytes: its deserializer borrows the `type` tag).
        let model_json = serde_json::to_vec(&serde_json::json!({
            "type": "WordPiece",
            "unk_token": UNK,
            "continuing_subword_prefix": "##",
            "max_input_chars_per_word": MAX_INPUT_CHARS_PER_WORD,
            "vocab": vocab,
        }))
        .map_err(tok_err)?;
        let model: WordPiece = serde_json::from_slice(&model_json).map_err(tok_err)?;

        let mut inner = tokenizers::Tokenizer::new(model);
        inner
            .with_normalizer(Some(BertNormalizer::new(true, true, None, lowercase)))
            .map_err(tok_err)?;
        inner.with_pre_tokenizer(Some(BertPreTokenizer));
        let processing = bert_processing(|t| inner.token_to_id(t))?;
        inner.with_post_processor(Some(processing));
        // Special tokens typed in the text stay whole, as with tokenizer.json.
        let specials: Vec<AddedToken> = ["[PAD]", UNK, CLS, SEP, "[MASK]"]
            .into_iter()
            .filter(|t| inner.token_to_id(t).is_some())
            .map(|t| AddedToken::from(t, true))
            .collect();
        inner.add_special_tokens(specials).map_err(tok_err)?;
        Ok(Tokenizer { inner })
    }

    /// Number of ids the tokenizer can produce (added tokens included).
    pub fn vocab_size(&self) -> usize {
        self.inner.get_vocab_size(true)
    }

    /// Id of a token, if it is in the vocabulary.
    pub fn token_to_id(&self, token: &str) -> Option<u32> {
        self.inner.token_to_id(token)
    }

    /// Tokenizes `text` (and `pair`, whose pieces get type id 1) into at most
    /// `max_len` ids including special tokens. Longer inputs lose pieces from
    /// the end of the longer sentence first (HF's `longest_first`); the count
    /// is reported in [`Encoding::truncated`]. Empty text gives `[CLS] [SEP]`.
    pub fn encode(
        &self,
        text: &str,
        pair: Option<&str>,
        max_len: usize,
    ) -> Result<Encoding, BertError> {
        let first = self.inner.encode(text, false).map_err(tok_err)?;
        let mut second = match pair {
            Some(p) => Some(self.inner.encode(p, false).map_err(tok_err)?),
            None => None,
        };
        if let Some(enc) = second.as_mut() {
            // Encoded on its own, the pair got sequence/type ids of a first
            // sentence; the post-processor copies these through.
            let n = enc.len();
            enc.set_type_ids(vec![1; n]);
            enc.set_sequence_id(1);
        }

        let special = self
            .inner
            .get_post_processor()
            .map_or(0, |p| p.added_tokens(second.is_some()));
        let Some(budget) = max_len.checked_sub(special) else {
            return Err(BertError::InvalidInput(format!(
                "max length {max_len} leaves no room for the {special} special tokens"
            )));
        };
        let before = first.len() + second.as_ref().map_or(0, |e| e.len());
        let (mut first, mut second) = if before > budget {
            let params = TruncationParams {
                direction: TruncationDirection::Right,
                max_length: budget,
                strategy: TruncationStrategy::LongestFirst,
                stride: 0,
            };
            truncate_encodings(first, second, &params).map_err(tok_err)?
        } else {
            (first, second)
        };
        let after = first.len() + second.as_ref().map_or(0, |e| e.len());
        // Truncation keeps the cut-off pieces as "overflowing" windows, which
        // the post-processor would otherwise expand (pairwise, for pairs).
        first.take_overflowing();
        if let Some(enc) = second.as_mut() {
            enc.take_overflowing();
        }

        let enc = self
            .inner
            .post_process(first, second, true)
            .map_err(tok_err)?;
        Ok(Encoding {
            tokens: enc.get_tokens().to_vec(),
            input_ids: enc.get_ids().to_vec(),
            token_type_ids: enc.get_type_ids().to_vec(),
            truncated: before - after,
        })
    }
}

/// `[CLS] A [SEP] (B [SEP])` with ids looked up in the vocabulary.
fn bert_processing(id_of: impl Fn(&str) -> Option<u32>) -> Result<BertProcessing, BertError> {
    let id = |t: &str| {
        id_of(t).ok_or_else(|| BertError::Tokenizer(format!("vocabulary has no {t} token")))
    };
    Ok(BertProcessing::new(
        (SEP.to_owned(), id(SEP)?),
        (CLS.to_owned(), id(CLS)?),
    ))
}
