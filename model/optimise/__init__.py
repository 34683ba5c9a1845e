"""The optimisation engine: questions about scenarios too large to enumerate, on a MILP.

It owns the encoding of a compiled scenario as a mixed-integer linear program (binary option
variables, every rule and constraint reified into indicator binaries, noisy-or metrics through
their log form, interactions as linearised products), solved by scipy's `milp` (HiGHS), and the
searches built on it: existence, the best and the k best acceptable packages, the frontier by
the epsilon-constraint method, the smallest concession, and a per-actor blocker view. Every
package the solver proposes is checked exactly with the enumeration engine's per-package
verdicts (model/exact/verdicts.py) before it is reported, so the solver's tolerance never
decides a verdict (see TOLERANCE in solver.py).
"""
