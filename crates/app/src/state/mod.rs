//! State shared by the whole app: the model store (the loaded model, its
//! results and the backend) lives here, once, in Leptos context.

pub mod model_store;
