"""Issue 10: a registration in one round trip to the database.

``workshops_register`` does in PostgreSQL what ``services.registration.
register`` did in five queries and a transaction: the verified address, the
person's Project and seat, the seat itself (the lock-free UPDATE of the
counter, or the row lock and the waiting list), the registration row (new, or
the person's cancelled one reused), its audit event and the place on the
waiting list. Called in autocommit, the workshop's row stays locked only for
the function's own work and the commit, where it stayed locked across four
round trips and the Python between them; 150 people at once then wait for
each other for a few milliseconds in all instead of most of a second.

The states and kinds are the values of ``workshops.enums`` and
``applications.enums.ProjectState`` (stored values, never translated).
"""

from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION workshops_register(
    p_workshop bigint,
    p_user bigint,
    p_project bigint,
    p_audience text,
    p_now timestamptz,
    p_stamp_inside boolean,
    p_token text,
    p_target_type integer,
    p_slug text,
    p_event_at timestamptz
) RETURNS TABLE (
    o_outcome text,
    o_position integer,
    o_id bigint,
    o_seat text,
    o_project bigint,
    o_created_at timestamptz,
    o_at timestamptz,
    o_sequence integer,
    o_token text
) LANGUAGE plpgsql AS $fn$
DECLARE
    v_project bigint;
    v_seat text;
    v_existing_id bigint;
    v_existing_state text;
    v_state text;
    v_sequence integer;
    v_at timestamptz;
    v_id bigint;
    v_created timestamptz;
    v_token text;
    v_before jsonb;
    v_free integer;
    v_position integer;
    w record;
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM account_emailaddress e
        WHERE e.user_id = p_user AND e.verified
    ) THEN
        RETURN QUERY SELECT 'unverified'::text, NULL::integer, NULL::bigint,
            NULL::text, NULL::bigint, NULL::timestamptz, NULL::timestamptz,
            NULL::integer, NULL::text;
        RETURN;
    END IF;

    -- The seat and the Project (services.registration: the same rules).
    IF p_project IS NULL AND p_audience = 'residents' THEN
        v_seat := 'resident';
    ELSE
        IF p_project IS NOT NULL THEN
            IF NOT EXISTS (
                SELECT 1 FROM applications_project p
                JOIN applications_teammember t ON t.application_id = p.application_id
                WHERE p.id = p_project AND p.state = 'active' AND t.user_id = p_user
            ) THEN
                RETURN QUERY SELECT 'not_member'::text, NULL::integer,
                    NULL::bigint, NULL::text, NULL::bigint, NULL::timestamptz,
                    NULL::timestamptz, NULL::integer, NULL::text;
                RETURN;
            END IF;
            v_project := p_project;
        ELSE
            SELECT p.id INTO v_project
            FROM applications_project p
            JOIN applications_teammember t ON t.application_id = p.application_id
            WHERE p.state = 'active' AND t.user_id = p_user
            ORDER BY p.name, p.id
            LIMIT 1;
        END IF;
        IF p_audience = 'projects' THEN
            IF v_project IS NULL THEN
                RETURN QUERY SELECT 'projects_only'::text, NULL::integer,
                    NULL::bigint, NULL::text, NULL::bigint, NULL::timestamptz,
                    NULL::timestamptz, NULL::integer, NULL::text;
                RETURN;
            END IF;
            v_seat := 'project';
        ELSIF p_audience = 'residents' THEN
            v_seat := 'resident';
            v_project := NULL;
        ELSIF v_project IS NOT NULL THEN
            v_seat := 'project';
        ELSE
            v_seat := 'resident';
        END IF;
    END IF;
    IF v_seat = 'resident' THEN
        v_project := NULL;
    END IF;

    -- A live registration already: nothing to take.
    SELECT r.id, r.state INTO v_existing_id, v_existing_state
    FROM workshops_registration r
    WHERE r.workshop_id = p_workshop AND r.user_id = p_user;
    IF v_existing_state IN ('confirmed', 'waitlisted') THEN
        RETURN QUERY SELECT 'already'::text, NULL::integer, NULL::bigint,
            NULL::text, NULL::bigint, NULL::timestamptz, NULL::timestamptz,
            NULL::integer, NULL::text;
        RETURN;
    END IF;

    -- The seat: one UPDATE that PostgreSQL runs one after the other for the
    -- same row, each re-checking the WHERE on the row as the last one left it.
    IF v_seat = 'project' THEN
        UPDATE workshops_workshop
        SET taken_project_seats = taken_project_seats + 1
        WHERE id = p_workshop AND state = 'published'
          AND registration_opens_at <= p_now AND registration_closes_at > p_now
          AND starts_at > p_now
          AND capacity - taken_project_seats
              - GREATEST(resident_seats, taken_resident_seats) > 0
        RETURNING sequence INTO v_sequence;
    ELSE
        UPDATE workshops_workshop
        SET taken_resident_seats = taken_resident_seats + 1
        WHERE id = p_workshop AND state = 'published'
          AND registration_opens_at <= p_now AND registration_closes_at > p_now
          AND starts_at > p_now
          AND capacity - taken_resident_seats
              - GREATEST(project_seats, taken_project_seats) > 0
        RETURNING sequence INTO v_sequence;
    END IF;
    IF FOUND THEN
        v_state := 'confirmed';
    ELSE
        -- No seat, or closed: lock the row and look again. A seat freed in
        -- the meantime is taken; else the person joins the waiting list
        -- while the row is locked, so that a cancellation after us (which
        -- locks it FOR UPDATE) promotes them.
        SELECT * INTO w FROM workshops_workshop WHERE id = p_workshop
        FOR NO KEY UPDATE;
        IF w.state <> 'published' THEN
            RETURN QUERY SELECT 'not_published'::text, NULL::integer,
                NULL::bigint, NULL::text, NULL::bigint, NULL::timestamptz,
                NULL::timestamptz, NULL::integer, NULL::text;
            RETURN;
        ELSIF p_now < w.registration_opens_at THEN
            RETURN QUERY SELECT 'not_open'::text, NULL::integer, NULL::bigint,
                NULL::text, NULL::bigint, NULL::timestamptz, NULL::timestamptz,
                NULL::integer, NULL::text;
            RETURN;
        ELSIF p_now >= w.registration_closes_at OR p_now >= w.starts_at THEN
            RETURN QUERY SELECT 'closed'::text, NULL::integer, NULL::bigint,
                NULL::text, NULL::bigint, NULL::timestamptz, NULL::timestamptz,
                NULL::integer, NULL::text;
            RETURN;
        END IF;
        IF v_seat = 'project' THEN
            v_free := w.capacity - w.taken_project_seats
                - GREATEST(w.resident_seats, w.taken_resident_seats);
        ELSE
            v_free := w.capacity - w.taken_resident_seats
                - GREATEST(w.project_seats, w.taken_project_seats);
        END IF;
        v_sequence := w.sequence;
        IF v_free > 0 THEN
            IF v_seat = 'project' THEN
                UPDATE workshops_workshop
                SET taken_project_seats = taken_project_seats + 1
                WHERE id = p_workshop;
            ELSE
                UPDATE workshops_workshop
                SET taken_resident_seats = taken_resident_seats + 1
                WHERE id = p_workshop;
            END IF;
            v_state := 'confirmed';
        ELSE
            v_state := 'waitlisted';
        END IF;
    END IF;

    -- Stamped once the row is locked: the waiting list's order is the order
    -- in which people got the lock (the database's clock, one for every web
    -- server), unless the caller gives the time.
    IF p_stamp_inside THEN
        v_at := clock_timestamp();
    ELSE
        v_at := p_now;
    END IF;

    IF v_existing_id IS NULL THEN
        INSERT INTO workshops_registration (
            workshop_id, user_id, project_id, seat, state, created_at,
            confirmed_at, waitlisted_at, cancelled_at, ics_sequence_sent,
            checkin_token, checked_in_at, checked_in_by_id
        ) VALUES (
            p_workshop, p_user, v_project, v_seat, v_state, v_at,
            CASE WHEN v_state = 'confirmed' THEN v_at END,
            CASE WHEN v_state = 'waitlisted' THEN v_at END,
            NULL,
            CASE WHEN v_state = 'confirmed' THEN v_sequence ELSE -1 END,
            p_token, NULL, NULL
        )
        ON CONFLICT ON CONSTRAINT one_registration_per_person DO NOTHING
        RETURNING id, created_at, checkin_token INTO v_id, v_created, v_token;
        v_before := NULL;
    ELSE
        UPDATE workshops_registration SET
            project_id = v_project,
            seat = v_seat,
            state = v_state,
            cancelled_at = NULL,
            checked_in_at = NULL,
            confirmed_at = CASE WHEN v_state = 'confirmed' THEN v_at END,
            waitlisted_at = CASE WHEN v_state = 'waitlisted' THEN v_at END,
            ics_sequence_sent = CASE WHEN v_state = 'confirmed' THEN v_sequence
                ELSE ics_sequence_sent END
        WHERE id = v_existing_id AND state = 'cancelled'
        RETURNING id, created_at, checkin_token INTO v_id, v_created, v_token;
        v_before := jsonb_build_object('state', 'cancelled');
    END IF;
    IF v_id IS NULL THEN
        -- A double click: the other request made the row. Give the seat back
        -- (the row is still locked by this transaction).
        IF v_state = 'confirmed' THEN
            IF v_seat = 'project' THEN
                UPDATE workshops_workshop
                SET taken_project_seats = taken_project_seats - 1
                WHERE id = p_workshop;
            ELSE
                UPDATE workshops_workshop
                SET taken_resident_seats = taken_resident_seats - 1
                WHERE id = p_workshop;
            END IF;
        END IF;
        RETURN QUERY SELECT 'already'::text, NULL::integer, NULL::bigint,
            NULL::text, NULL::bigint, NULL::timestamptz, NULL::timestamptz,
            NULL::integer, NULL::text;
        RETURN;
    END IF;

    INSERT INTO audit_auditevent (
        verb, actor_id, target_type_id, target_id, before, after, data, created_at
    ) VALUES (
        CASE WHEN v_state = 'confirmed' THEN 'workshop.registered'
            ELSE 'workshop.waitlisted' END,
        p_user, p_target_type, v_id::text, v_before,
        jsonb_build_object('state', v_state, 'seat', v_seat),
        jsonb_build_object('workshop', p_slug),
        p_event_at
    );

    IF v_state = 'waitlisted' THEN
        SELECT count(*) + 1 INTO v_position
        FROM workshops_registration r
        WHERE r.workshop_id = p_workshop AND r.state = 'waitlisted'
          AND (r.waitlisted_at, r.id) < (v_at, v_id);
    END IF;

    RETURN QUERY SELECT v_state, v_position, v_id, v_seat, v_project,
        v_created, v_at, v_sequence, v_token;
END;
$fn$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0005_follow_up_owner_is_a_person"),
        ("applications", "0003_project"),
        ("audit", "0001_initial"),
        ("account", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            FUNCTION,
            reverse_sql=(
                "DROP FUNCTION IF EXISTS workshops_register("
                "bigint, bigint, bigint, text, timestamptz, boolean, text, "
                "integer, text, timestamptz);"
            ),
        )
    ]
