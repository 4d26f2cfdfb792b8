"""Suggestions are ranked by specialty, then load (share of capacity), then distance in the
region tree; mediators at capacity come last."""

from mediation_app.roster.ranking import Candidate, rank, tree_distance


def _candidate(name, *, specialties=(), load=0, max_load=10, path="/1/2/3/"):
    return Candidate(user_id=hash(name) % 1000, name=name, institution="浦楼调委会",
                     specialties=tuple(specialties), load=load, max_load=max_load,
                     region_path=path)


def _names(suggestions):
    return [s.candidate.name for s in suggestions]


def test_distance_counts_the_steps_through_the_nearest_common_region():
    assert tree_distance("/1/2/3/", "/1/2/3/") == 0
    assert tree_distance("/1/2/3/", "/1/2/") == 1
    assert tree_distance("/1/2/3/", "/1/4/5/") == 4


def test_a_mediator_with_the_specialty_comes_first_even_if_busier():
    ranked = rank([_candidate("甲", load=1), _candidate("乙", specialties=["neighbour"], load=5)],
                  dispute_type="neighbour", region_path="/1/2/3/")
    assert _names(ranked) == ["乙", "甲"] and ranked[0].has_specialty


def test_among_specialists_the_lighter_load_comes_first():
    ranked = rank([_candidate("甲", specialties=["loan"], load=6, max_load=10),
                   _candidate("乙", specialties=["loan"], load=2, max_load=5)],
                  dispute_type="loan", region_path="/1/2/3/")
    assert _names(ranked) == ["乙", "甲"]


def test_with_equal_load_the_nearer_mediator_comes_first():
    ranked = rank([_candidate("远", path="/1/4/5/"), _candidate("近", path="/1/2/3/")],
                  dispute_type="loan", region_path="/1/2/3/")
    assert _names(ranked) == ["近", "远"] and [s.distance for s in ranked] == [0, 4]


def test_a_mediator_at_capacity_comes_last():
    ranked = rank([_candidate("满", specialties=["loan"], load=10, max_load=10),
                   _candidate("闲", load=0)], dispute_type="loan", region_path="/1/2/3/")
    assert _names(ranked) == ["闲", "满"] and ranked[1].is_full
