"""The head of a subject's audit-record chain, kept on the subject's own item (docs/audit-and-privacy.md):
the digest of its last chained record, and the records written without reading the item ("loose" ones,
`<record_key>#<digest>`) that the next chained record folds in. Changed only in the transactions that write
those records."""
from pynamodb.attributes import UnicodeAttribute, UnicodeSetAttribute


class ChainHead:
    record_head = UnicodeAttribute(null=True)
    record_loose = UnicodeSetAttribute(null=True)
