"""Stability analysis: would anyone walk away from a package? (Graph Model for Conflict Resolution)

It owns the conflict in option form: states (the feasible packages), each actor's unilateral
moves (changing the options it controls, respecting one-way options) and preferences
(priorities, utility or an explicit ranking), the Nash, GMR, SMR and SEQ stability of every
state for every actor, the equilibria under each, and status quo analysis. Every concept is
computed over all states at once with integer arrays; see docs/explanation/stability.md.
"""
