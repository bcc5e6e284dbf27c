"""Import jobs: a validated file written in bounded, resumable steps (docs/statistics.md, "Imports")."""
