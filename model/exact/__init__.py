"""The exact engine: every package enumerated, and every report derived from that one pass.

It owns the compiled form of a scenario (masks, metric terms on the tolerance grid), the
chunked enumeration, failure sets, minimal forms, the frontier, the concession search and the
result objects every renderer reads.
"""
