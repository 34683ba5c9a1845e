"""The scenario format `guarantees/1`: reading YAML, its schema, expressions and uncertain numbers,
and a scenario's content hash (identity.py).

It owns everything between the bytes of a file and a validated `Scenario`: where each node
was written, the shape of every part, cross-checks between names, and the located messages
for whatever is wrong. It never imports numpy, except to check a `ranking:` against the
feasible packages (which only the exact engine can list): `load` then asks the stability
package.
"""
