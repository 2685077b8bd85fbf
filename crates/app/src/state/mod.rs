//! State shared by the whole app: the model store (the loaded model, its
//! results and the backend) lives here, once, in Leptos context, with the
//! reader's consent to models from other hosts and the tokenizer lesson's
//! token lists.

pub mod model_consent;
pub mod model_store;
pub mod token_lists;
