//! The "Check yourself" questions, two or three per section, in teaching
//! order. Each explanation says why the answer holds, not only which it is.

use crate::components::check_yourself::Question;

const fn q(
    id: &'static str,
    section: &'static str,
    prompt: &'static str,
    choices: &'static [&'static str],
    answer: usize,
    why: &'static str,
) -> Question {
    Question {
        id,
        section,
        prompt,
        choices,
        answer,
        why,
    }
}

pub const QUESTIONS: &[Question] = &[
    q("why-1", "why",
      "Why does a recurrent network train slowly on long texts?",
      &["Each step needs the previous step's hidden state, so the words cannot be processed in parallel",
        "It has far more parameters than a Transformer",
        "It cannot read punctuation"],
      0,
      "An RNN's state at word t is computed from its state at word t − 1, so a sentence of n words is n steps one after another; a Transformer computes all positions at once."),
    q("why-2", "why",
      "In one self-attention layer, how many steps apart are the first and the last word of a sentence?",
      &["As many steps as there are words between them", "One: every position attends to every other directly", "They never meet"],
      1,
      "Every query is compared with every key in the same layer, so any two positions are connected directly, however far apart they are."),
    q("positional-1", "positional",
      "What does the sinusoidal positional encoding do to a word's vector?",
      &["Multiplies it by the position number", "Replaces it by the position's code", "Adds a vector that depends only on the position"],
      2,
      "PE[pos] is added to the word's embedding, so the same word at two positions gets two different input vectors."),
    q("positional-2", "positional",
      "Which dimensions of the sinusoidal code change fastest from one position to the next?",
      &["The first ones (the highest frequencies)", "The last ones", "All change at the same rate"],
      0,
      "Pair i turns with frequency ω_i = 10000^(−2i/d): pair 0 turns once every 2π ≈ 6.3 positions, the last pairs barely move over thousands."),
    q("self-attention-1", "self-attention",
      "Which two vectors are compared to compute an attention score?",
      &["Two value vectors", "The query of one word and the key of another", "A key and a value"],
      1,
      "The score of query i for key j is q_i · k_j / √d_k; the values are only used afterwards, weighted by the softmax of the scores."),
    q("self-attention-2", "self-attention",
      "What do the attention weights of one query add up to?",
      &["1", "The number of words", "√d_k"],
      0,
      "They are the softmax of that query's scores: positive numbers that sum to 1, so the output is a weighted average of the values."),
    q("self-attention-3", "self-attention",
      "What is a word's output of one attention head?",
      &["The key with the highest score", "Its own value vector", "A weighted sum of the value vectors of all words"],
      2,
      "Each value is scaled by its attention weight and the results are added up; a sharp head comes close to copying one value."),
    q("scaling-1", "scaling",
      "Without the division by √d_k, what happens to the softmax as d_k grows?",
      &["It saturates: nearly all weight goes to one key", "The weights become equal", "The weights stop summing to 1"],
      0,
      "The scores spread by about √d_k, and exponentials of widely spread numbers are dominated by the largest one; the gradients of such a softmax are close to zero."),
    q("scaling-2", "scaling",
      "Why divide by √d_k rather than by d_k?",
      &["It is cheaper to compute", "A dot product of two random unit-variance vectors has standard deviation √d_k", "Any number would do equally well"],
      1,
      "The dot product sums d_k products of variance 1, so its variance is d_k and its typical size √d_k; dividing by it brings the scores back to a spread of about 1."),
    q("order-1", "order",
      "Self-attention without position codes reads a sentence and the same words shuffled. What happens to each word's output?",
      &["Every output changes", "Each word keeps exactly the same output; only their order follows the shuffle", "All outputs become equal"],
      1,
      "Scores depend only on the vectors compared, not on where they stand: attention is permutation-equivariant, so it sees a bag of words."),
    q("order-2", "order",
      "How does BERT know the order of the words?",
      &["A learned position embedding is added to each token's embedding", "A causal mask", "It reads the words one at a time"],
      0,
      "BERT's attention is bidirectional and unmasked, so all of its order information comes from the position embeddings added at the input."),
    q("learned-positions-1", "learned-positions",
      "How many tokens can bert-base-uncased read at once?",
      &["Any number", "512, one for each learned position vector", "30,522"],
      1,
      "Its position table has 512 rows; there is no vector for position 512, so longer inputs are truncated (30,522 is the size of its vocabulary)."),
    q("learned-positions-2", "learned-positions",
      "What do sinusoidal codes guarantee that learned position embeddings do not?",
      &["That the similarity of two positions depends only on their distance", "That the model generalises to any length", "That no two words share a vector"],
      0,
      "cos(PE[p], PE[q]) is a function of p − q alone. Being computable for any position does not make a model work well beyond the lengths it was trained on."),
    q("multi-head-1", "multi-head",
      "BERT-base is 768 wide with 12 heads. How wide are each head's queries, keys and values?",
      &["768", "64", "12"],
      1,
      "768 / 12 = 64: the heads split the width, so twelve heads cost about as much as one full-width head."),
    q("multi-head-2", "multi-head",
      "What is gained by several heads instead of one?",
      &["Each head can attend to something different in the same layer", "Heads make the model bidirectional", "Each head handles one word"],
      0,
      "One softmax gives one weighting per word; separate heads can, for example, follow the previous word, the verb's subject and punctuation at the same time. The output projection mixes what they found."),
    q("block-1", "block",
      "What comes after the self-attention sub-layer in an encoder block?",
      &["A softmax over the vocabulary", "A position-wise feed-forward network; each sub-layer has a residual connection and layer normalisation", "Another mask"],
      1,
      "An encoder block is attention then a two-layer feed-forward network applied to every position on its own, each wrapped in add-and-normalise."),
    q("block-2", "block",
      "What does a residual connection do?",
      &["Adds a sub-layer's input to its output", "Removes the largest values", "Hides future words"],
      0,
      "x + sublayer(x): the sub-layer only has to learn a change to x, and information and gradients can pass around it, which makes deep stacks trainable."),
    q("masking-1", "masking",
      "Which mask does BERT use?",
      &["A causal mask, like GPT", "Only a padding mask, so every token sees every real token, before and after it", "A causal and a padding mask"],
      1,
      "BERT is bidirectional: each token attends to the whole input. The padding mask only hides [PAD] tokens added to make a batch rectangular."),
    q("masking-2", "masking",
      "With a causal mask, which keys can query i attend to?",
      &["Only the keys after it", "Every key", "Keys 0 to i: itself and the words before it"],
      2,
      "Scores for later keys are set to −∞ before the softmax, so their weights are exactly 0 and a decoder cannot peek at the words it is meant to predict."),
    q("cross-attention-1", "cross-attention",
      "In cross-attention, where do the queries and the keys come from?",
      &["Both from the encoder", "Queries from the decoder, keys and values from the encoder", "Queries from the encoder, keys from the decoder"],
      1,
      "Each word being generated asks (queries) the encoded source sentence (keys and values) what is relevant to it."),
    q("cross-attention-2", "cross-attention",
      "Which models have cross-attention?",
      &["Every Transformer", "BERT", "Encoder–decoder models such as the original Transformer and T5"],
      2,
      "Only a model with two stacks needs to connect them; encoder-only models (BERT) and decoder-only models (GPT) use self-attention alone."),
    q("architectures-1", "architectures",
      "Which family does BERT belong to?",
      &["Encoder-only", "Decoder-only", "Encoder–decoder"],
      0,
      "BERT is a stack of encoder blocks with bidirectional attention, trained to fill in masked words; it understands text rather than generating it."),
    q("architectures-2", "architectures",
      "“The dog bit the man” and “The man bit the dog” get very similar sentence embeddings here. Why?",
      &["The model cannot see word order", "The embedding is the mean of the token vectors, and averaging loses much of what the order changed", "The tokenizer sorts the words"],
      1,
      "Inside the model each token's vector does depend on the order (position embeddings), but the mean over the tokens keeps little of it: the same words give similar averages."),
    q("tokens-1", "tokens",
      "What does “##” at the start of a piece mean?",
      &["It continues the word of the piece before it", "A number", "An unknown word"],
      0,
      "WordPiece spells a rare word from a first piece and continuation pieces; “##” marks the continuations so that the word can be put back together."),
    q("tokens-2", "tokens",
      "In “[CLS] A [SEP] B [SEP]”, which pieces have token type 1?",
      &["Only [CLS]", "The pieces of B and the final [SEP]", "Every special token"],
      1,
      "Token type 0 covers [CLS], the first sentence and its [SEP]; type 1 the second sentence and the last [SEP]. A learned vector per type is added to each piece."),
    q("tokens-3", "tokens",
      "What happens to a word the vocabulary cannot spell, such as most emoji?",
      &["It is dropped without a trace", "It is spelled letter by letter", "It becomes [UNK]"],
      2,
      "When no sequence of pieces spells the word, the whole word becomes the unknown token [UNK], and the model learns nothing about what it was."),
    q("attention-1", "attention",
      "Many heads put most of their weight on [SEP] or [CLS]. What is the usual reading of that?",
      &["Those tokens carry the sentence's meaning", "The head has nothing particular to look for in this input and parks its attention there", "A bug in the model"],
      1,
      "Clark et al. (2019) found such heads everywhere in BERT and that this attention hardly changes the output: it works as a no-op."),
    q("attention-2", "attention",
      "Does a high attention weight prove that the model used that word for its answer?",
      &["Yes, attention is the explanation", "No: values, residual connections and later layers all change what reaches the output", "Only in the last layer"],
      1,
      "Attention shows where a head reads from, not how much that changes the result; rollout and gradient methods try to follow the whole path, and still only approximate it."),
    q("powerful-1", "powerful",
      "Why do Transformers train efficiently on GPUs?",
      &["They compute all positions at once, as large matrix multiplications", "They have no parameters", "They use a small vocabulary"],
      0,
      "Without recurrence nothing waits for the previous word; the work is a few large matrix products, which is what GPUs do best."),
    q("powerful-2", "powerful",
      "How does the cost of self-attention grow with the length n of the input?",
      &["Like n", "Like n²", "Like log n"],
      1,
      "Every one of the n queries is compared with every one of the n keys: n² scores per head and layer, which is why long inputs are expensive."),
    q("impact-1", "impact",
      "Which of these is not built on the Transformer?",
      &["BERT", "GPT models", "An LSTM language model"],
      2,
      "LSTMs are recurrent networks from 1997; BERT, the GPT family, T5 and vision models such as ViT all build on the Transformer of 2017."),
    q("impact-2", "impact",
      "What made models such as BERT easy to reuse for many tasks?",
      &["Pre-training once on large unlabelled text, then fine-tuning on a small labelled set", "Each task has its own hand-written rules", "They need no data"],
      0,
      "Pre-training learns general language knowledge from raw text; fine-tuning adapts it to one task with little labelled data."),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::Section;
    use std::collections::HashSet;

    #[test]
    fn every_question_is_well_formed_and_unique() {
        let mut ids = HashSet::new();
        for q in QUESTIONS {
            assert!(ids.insert(q.id), "duplicate id {}", q.id);
            assert!(q.id.starts_with(q.section), "{}", q.id);
            assert!(Section::from_slug(q.section).is_some(), "{}", q.id);
            assert!(
                q.answer < q.choices.len() && q.choices.len() >= 3,
                "{}",
                q.id
            );
            assert!(!q.why.is_empty() && q.prompt.ends_with('?'), "{}", q.id);
        }
    }

    #[test]
    fn every_teaching_section_has_two_or_three_questions() {
        for s in Section::ALL {
            let n = QUESTIONS.iter().filter(|q| q.section == s.slug()).count();
            match s {
                Section::Welcome | Section::Glossary | Section::Resources => assert_eq!(n, 0),
                _ => assert!((2..=3).contains(&n), "{}: {n} questions", s.slug()),
            }
        }
    }

    #[test]
    fn answers_are_not_always_in_the_same_place() {
        let places: HashSet<usize> = QUESTIONS.iter().map(|q| q.answer).collect();
        assert_eq!(places.len(), 3);
    }
}
