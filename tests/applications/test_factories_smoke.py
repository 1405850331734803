from tests.applications.factories import (
    ApplicationFactory,
    CallFactory,
    TeamMemberFactory,
    make_complete_application,
)


def test_factories_build_an_open_call_with_a_led_application(db):
    call = CallFactory()
    application = ApplicationFactory(call=call)
    TeamMemberFactory(application=application)
    complete = make_complete_application(call=call)
    assert sorted(call.datasets.values_list("slug", flat=True)) == [
        "parking-occupancy",
        "pedestrian-flows",
    ]
    assert application.team.count() == 2
    assert complete.requested_datasets.count() == 1
