"""Briefings: one actor's part in a scenario, for a role-play seminar.

It owns what a briefing says about one actor beyond its own constraints: the feasible
packages it alone rejects (every other actor accepts them; an exact pass of its own over every
package, counting them all and keeping the best-ranked), the smallest concessions that relax
one of its constraints, the options it provides or controls, and its preference form. It reads
the exact engine's evaluation (model/exact/) and never changes it.
"""
