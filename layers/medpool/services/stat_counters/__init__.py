"""Statistics and billing counters per (Beijing month, category, borrowing department) cell: what a closed
loan adds (cells), how a period reads them (reads), and their rebuild from the ledger (rebuild)."""
