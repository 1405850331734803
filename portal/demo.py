"""Demo accounts for each role. Only ever run with DEBUG on (see seed_demo)."""

import os

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction

from portal.accounts.enums import OrganiserOrganisation
from portal.accounts.models import OrganiserRole, User

DEFAULT_DEMO_PASSWORD = "batignolles-demo"

ORGANISERS = [("organisation@demo.openbatignolles.fr", "Claire Martin")]
JURORS = [
    ("jury.mairie@demo.openbatignolles.fr", "Hélène Dubois"),
    ("jury.parisandco@demo.openbatignolles.fr", "Karim Benali"),
    ("jury.cci@demo.openbatignolles.fr", "Sophie Lefèvre"),
    ("jury.upciti@demo.openbatignolles.fr", "Thomas Girard"),
    ("jury.expert@demo.openbatignolles.fr", "Dr Anne Moreau"),
    ("jury.habitants@demo.openbatignolles.fr", "Jean-Pierre Roussel"),
]
HOLDERS = [
    ("porteur01@demo.openbatignolles.fr", "Léa Fontaine"),
    ("porteur02@demo.openbatignolles.fr", "Mehdi Haddad"),
    ("porteur03@demo.openbatignolles.fr", "Camille Petit"),
    ("porteur04@demo.openbatignolles.fr", "Nicolas Laurent"),
    ("porteur05@demo.openbatignolles.fr", "Inès Garnier"),
    ("porteur06@demo.openbatignolles.fr", "Julien Mercier"),
    ("porteur07@demo.openbatignolles.fr", "Amina Diallo"),
    ("porteur08@demo.openbatignolles.fr", "Paul Chevalier"),
    ("porteur09@demo.openbatignolles.fr", "Chloé Bernard"),
    ("porteur10@demo.openbatignolles.fr", "Hugo Lambert"),
    ("porteur11@demo.openbatignolles.fr", "Sarah Cohen"),
    ("porteur12@demo.openbatignolles.fr", "Antoine Faure"),
]
RESIDENTS = [
    ("habitant1@demo.openbatignolles.fr", "Martine Blanc"),
    ("habitant2@demo.openbatignolles.fr", "Louis Renaud"),
    ("habitant3@demo.openbatignolles.fr", "Yasmine Said"),
]


def demo_password():
    return os.environ.get("DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)


def _user(email, full_name, password_hash):
    user, created = User.objects.get_or_create(
        email=email, defaults={"full_name": full_name}
    )
    if created:
        user.password = password_hash
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def seed_accounts():
    """Create (or find) the demo accounts; return them by role."""
    # One hash for the 22 accounts of a known password: hashing each (about a
    # second) made the first `make run` wait half a minute here.
    password_hash = make_password(demo_password())
    with transaction.atomic():
        organisers = [_user(e, n, password_hash) for e, n in ORGANISERS]
        for user in organisers:
            OrganiserRole.objects.get_or_create(
                user=user, defaults={"organisation": OrganiserOrganisation.MAIRIE_17}
            )
        return {
            "organisers": organisers,
            "jurors": [_user(e, n, password_hash) for e, n in JURORS],
            "holders": [_user(e, n, password_hash) for e, n in HOLDERS],
            "residents": [_user(e, n, password_hash) for e, n in RESIDENTS],
        }
