"""Synthetic enterprise estates for benchmarks, load tests and demos (issue #7).

Modules: ``network`` (regional hubs, client VPCs), ``central`` (central inspection + egress: TGW → Network
Firewall → NAT), ``inspection`` (the firewall, Resolver forwarding, DNS Firewall: issue #10), ``workloads``
(roles, one with a permissions boundary; instances; buckets), ``organization`` (the organisation, its SCPs, a
partner account outside it, data-perimeter endpoint policies: issue #11), ``questions`` (the question mix).

    snap = synth_estate("large", seed=7)          # 20 accounts × 4 regions, ~20k instances
    questions = sample_questions(snap, 1000, seed=7)

The same (size, seed) always gives the same snapshot, byte for byte once dumped.
"""

from __future__ import annotations

from typing import Any

from engine import model as m
from engine.estates.synth.estate import generate
from engine.estates.synth.profiles import PROFILES, Profile, profile_for
from engine.estates.synth.questions import QUESTION_KINDS, sample_question_mix, sample_questions

__all__ = ["PROFILES", "QUESTION_KINDS", "Profile", "sample_question_mix", "sample_questions", "synth_estate"]


def synth_estate(size: str | dict[str, Any], seed: int = 7) -> m.Snapshot:
    """A realistic estate of the named size ("tiny", "small", "large", "xl") or a dict of profile overrides."""
    return generate(profile_for(size), seed)
