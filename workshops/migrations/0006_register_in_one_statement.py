"""Issue 10: a registration in one round trip to the database.

``workshops_register`` does in PostgreSQL what ``services.registration.
register`` did in six queries and a transaction: the workshop (by id or by
slug) and whether registration is open, the verified address, the person's
Project and seat, the seat itself (the lock-free UPDATE of the counter, or the
row lock and the waiting list), the registration row (new, or the person's
cancelled one reused) with its email marked due (``email_due``: a task queues
it in the outbox, woken once for many registrations), its audit event and the
place on the waiting list. Called in autocommit, the workshop's row stays locked only for
the function's own work and the commit, where it stayed locked across four
round trips and the Python between them; 150 people at once then wait for
each other for a few milliseconds in all instead of most of a second.

The states and kinds are the values of ``workshops.enums`` and
``applications.enums.ProjectState`` (stored values, never translated).
"""

from django.db import migrations, models

FUNCTION = r"""
CREATE OR REPLACE FUNCTION workshops_register(
    p_workshop bigint,
    p_slug text,
    p_user bigint,
    p_project bigint,
    p_now timestamptz,
    p_stamp_inside boolean,
    p_token text,
    p_target_type integer,
    p_event_at timestamptz
) RETURNS TABLE (
    o_outcome text,
    o_workshop bigint,
    o_position integer,
    o_id bigint,
    o_seat text,
    o_project bigint,
    o_created_at timestamptz,
    o_at timestamptz,
    o_sequence integer,
    o_token text
) LANGUAGE plpgsql AS $fn$
-- Refusals answer o_outcome alone: 'missing', 'draft', 'not_published',
-- 'not_open', 'closed', 'unverified', 'not_member', 'projects_only',
-- 'already'. Else o_outcome is the new state, 'confirmed' or 'waitlisted'.
DECLARE
    v_existing_id bigint;
    v_existing_state text;
    v_before jsonb;
    v_free integer;
    w record;
BEGIN
    -- The workshop, by id or by slug (the registration form posts a slug).
    IF p_workshop IS NOT NULL THEN
        SELECT id, slug, state, audience, registration_opens_at AS opens,
               registration_closes_at AS closes, starts_at
        INTO w FROM workshops_workshop WHERE id = p_workshop;
    ELSE
        SELECT id, slug, state, audience, registration_opens_at AS opens,
               registration_closes_at AS closes, starts_at
        INTO w FROM workshops_workshop WHERE slug = p_slug;
    END IF;
    IF NOT FOUND THEN
        o_outcome := 'missing';
        RETURN NEXT;
        RETURN;
    END IF;
    o_workshop := w.id;
    IF w.state = 'draft' THEN
        o_outcome := 'draft';
    ELSIF w.state <> 'published' THEN
        o_outcome := 'not_published';
    ELSIF p_now < w.opens THEN
        o_outcome := 'not_open';
    ELSIF p_now >= w.closes OR p_now >= w.starts_at THEN
        o_outcome := 'closed';
    ELSIF NOT EXISTS (
        SELECT 1 FROM account_emailaddress e
        WHERE e.user_id = p_user AND e.verified
    ) THEN
        o_outcome := 'unverified';
    END IF;
    IF o_outcome IS NOT NULL THEN
        RETURN NEXT;
        RETURN;
    END IF;

    -- The seat and the Project (services.registration: the same rules).
    IF p_project IS NULL AND w.audience = 'residents' THEN
        o_seat := 'resident';
    ELSE
        IF p_project IS NOT NULL THEN
            IF NOT EXISTS (
                SELECT 1 FROM applications_project p
                JOIN applications_teammember t ON t.application_id = p.application_id
                WHERE p.id = p_project AND p.state = 'active' AND t.user_id = p_user
            ) THEN
                o_outcome := 'not_member';
                RETURN NEXT;
                RETURN;
            END IF;
            o_project := p_project;
        ELSE
            SELECT p.id INTO o_project
            FROM applications_project p
            JOIN applications_teammember t ON t.application_id = p.application_id
            WHERE p.state = 'active' AND t.user_id = p_user
            ORDER BY p.name, p.id
            LIMIT 1;
        END IF;
        IF w.audience = 'projects' THEN
            IF o_project IS NULL THEN
                o_outcome := 'projects_only';
                RETURN NEXT;
                RETURN;
            END IF;
            o_seat := 'project';
        ELSIF w.audience = 'residents' OR o_project IS NULL THEN
            o_seat := 'resident';
        ELSE
            o_seat := 'project';
        END IF;
    END IF;
    IF o_seat = 'resident' THEN
        o_project := NULL;
    END IF;

    -- A live registration already: nothing to take.
    SELECT r.id, r.state INTO v_existing_id, v_existing_state
    FROM workshops_registration r
    WHERE r.workshop_id = w.id AND r.user_id = p_user;
    IF v_existing_state IN ('confirmed', 'waitlisted') THEN
        o_outcome := 'already';
        o_seat := NULL;
        o_project := NULL;
        RETURN NEXT;
        RETURN;
    END IF;

    -- The seat: one UPDATE that PostgreSQL runs one after the other for the
    -- same row, each re-checking the WHERE on the row as the last one left it.
    IF o_seat = 'project' THEN
        UPDATE workshops_workshop
        SET taken_project_seats = taken_project_seats + 1
        WHERE id = w.id AND state = 'published'
          AND registration_opens_at <= p_now AND registration_closes_at > p_now
          AND starts_at > p_now
          AND capacity - taken_project_seats
              - GREATEST(resident_seats, taken_resident_seats) > 0
        RETURNING sequence INTO o_sequence;
    ELSE
        UPDATE workshops_workshop
        SET taken_resident_seats = taken_resident_seats + 1
        WHERE id = w.id AND state = 'published'
          AND registration_opens_at <= p_now AND registration_closes_at > p_now
          AND starts_at > p_now
          AND capacity - taken_resident_seats
              - GREATEST(project_seats, taken_project_seats) > 0
        RETURNING sequence INTO o_sequence;
    END IF;
    IF FOUND THEN
        o_outcome := 'confirmed';
    ELSE
        -- No seat, or closed since the first read: lock the row and look
        -- again. A seat freed in the meantime is taken; else the person
        -- joins the waiting list while the row is locked, so that a
        -- cancellation after us (which locks it FOR UPDATE) promotes them.
        SELECT * INTO w FROM workshops_workshop WHERE id = w.id
        FOR NO KEY UPDATE;
        IF w.state <> 'published' THEN
            o_outcome := 'not_published';
        ELSIF p_now < w.registration_opens_at THEN
            o_outcome := 'not_open';
        ELSIF p_now >= w.registration_closes_at OR p_now >= w.starts_at THEN
            o_outcome := 'closed';
        END IF;
        IF o_outcome IS NOT NULL THEN
            o_seat := NULL;
            o_project := NULL;
            RETURN NEXT;
            RETURN;
        END IF;
        IF o_seat = 'project' THEN
            v_free := w.capacity - w.taken_project_seats
                - GREATEST(w.resident_seats, w.taken_resident_seats);
        ELSE
            v_free := w.capacity - w.taken_resident_seats
                - GREATEST(w.project_seats, w.taken_project_seats);
        END IF;
        o_sequence := w.sequence;
        IF v_free > 0 THEN
            IF o_seat = 'project' THEN
                UPDATE workshops_workshop
                SET taken_project_seats = taken_project_seats + 1
                WHERE id = w.id;
            ELSE
                UPDATE workshops_workshop
                SET taken_resident_seats = taken_resident_seats + 1
                WHERE id = w.id;
            END IF;
            o_outcome := 'confirmed';
        ELSE
            o_outcome := 'waitlisted';
        END IF;
    END IF;

    -- Stamped once the row is locked: the waiting list's order is the order
    -- in which people got the lock (the database's clock, one for every web
    -- server), unless the caller gives the time.
    IF p_stamp_inside THEN
        o_at := clock_timestamp();
    ELSE
        o_at := p_now;
    END IF;

    IF v_existing_id IS NULL THEN
        INSERT INTO workshops_registration (
            workshop_id, user_id, project_id, seat, state, created_at,
            confirmed_at, waitlisted_at, cancelled_at, ics_sequence_sent,
            checkin_token, checked_in_at, checked_in_by_id, email_due
        ) VALUES (
            w.id, p_user, o_project, o_seat, o_outcome, o_at,
            CASE WHEN o_outcome = 'confirmed' THEN o_at END,
            CASE WHEN o_outcome = 'waitlisted' THEN o_at END,
            NULL,
            CASE WHEN o_outcome = 'confirmed' THEN o_sequence ELSE -1 END,
            p_token, NULL, NULL, TRUE
        )
        ON CONFLICT ON CONSTRAINT one_registration_per_person DO NOTHING
        RETURNING id, created_at, checkin_token INTO o_id, o_created_at, o_token;
        v_before := NULL;
    ELSE
        UPDATE workshops_registration SET
            project_id = o_project,
            seat = o_seat,
            state = o_outcome,
            cancelled_at = NULL,
            checked_in_at = NULL,
            email_due = TRUE,
            confirmed_at = CASE WHEN o_outcome = 'confirmed' THEN o_at END,
            waitlisted_at = CASE WHEN o_outcome = 'waitlisted' THEN o_at END,
            ics_sequence_sent = CASE WHEN o_outcome = 'confirmed' THEN o_sequence
                ELSE ics_sequence_sent END
        WHERE id = v_existing_id AND state = 'cancelled'
        RETURNING id, created_at, checkin_token INTO o_id, o_created_at, o_token;
        v_before := jsonb_build_object('state', 'cancelled');
    END IF;
    IF o_id IS NULL THEN
        -- A double click: the other request made the row. Give the seat back
        -- (the row is still locked by this transaction).
        IF o_outcome = 'confirmed' THEN
            IF o_seat = 'project' THEN
                UPDATE workshops_workshop
                SET taken_project_seats = taken_project_seats - 1
                WHERE id = w.id;
            ELSE
                UPDATE workshops_workshop
                SET taken_resident_seats = taken_resident_seats - 1
                WHERE id = w.id;
            END IF;
        END IF;
        o_outcome := 'already';
        o_seat := NULL;
        o_project := NULL;
        o_sequence := NULL;
        o_at := NULL;
        RETURN NEXT;
        RETURN;
    END IF;

    INSERT INTO audit_auditevent (
        verb, actor_id, target_type_id, target_id, before, after, data, created_at
    ) VALUES (
        CASE WHEN o_outcome = 'confirmed' THEN 'workshop.registered'
            ELSE 'workshop.waitlisted' END,
        p_user, p_target_type, o_id::text, v_before,
        jsonb_build_object('state', o_outcome, 'seat', o_seat),
        jsonb_build_object('workshop', w.slug),
        p_event_at
    );

    IF o_outcome = 'waitlisted' THEN
        SELECT count(*) + 1 INTO o_position
        FROM workshops_registration r
        WHERE r.workshop_id = w.id AND r.state = 'waitlisted'
          AND (r.waitlisted_at, r.id) < (o_at, o_id);
    END IF;
    RETURN NEXT;
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
        migrations.AddField(
            model_name="registration",
            name="email_due",
            field=models.BooleanField(default=False),
        ),
        migrations.AddIndex(
            model_name="registration",
            index=models.Index(
                condition=models.Q(email_due=True),
                fields=["id"],
                name="registration_email_due",
            ),
        ),
        migrations.RunSQL(
            FUNCTION,
            reverse_sql=(
                "DROP FUNCTION IF EXISTS workshops_register("
                "bigint, text, bigint, bigint, timestamptz, boolean, text, "
                "integer, timestamptz);"
            ),
        )
    ]
