//! Renderers of a plan: human, JSON and Markdown, each reading only the `Plan`.
