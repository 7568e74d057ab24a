"""Test data built through the real models and database (factory_boy)."""

import factory

from liaison.core.choices import InstitutionKind, Role
from liaison.core.models import Institution, User
from liaison.partners.choices import PartnerKind
from liaison.partners.models import Contact, Country, PartnerBody

PASSWORD = "correct-horse-battery-staple"


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"inst-{n}")
    name_en = factory.Sequence(lambda n: f"Institution {n}")
    name_ko = factory.Sequence(lambda n: f"기관 {n}")
    kind = InstitutionKind.OFFICE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"User {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@police.example")
    role = Role.ICO_OFFICER
    institution = factory.SubFactory(InstitutionFactory)
    language = "en"
    time_zone = "Asia/Seoul"

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ("code",)

    code = "KH"
    alpha3 = "KHM"
    numeric = "116"
    name_en = "Cambodia"
    name_ko = "캄보디아"


class PartnerBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerBody

    kind = PartnerKind.POLICE
    name_en = factory.Sequence(lambda n: f"Partner Police {n}")
    name_ko = factory.Sequence(lambda n: f"협력 경찰 {n}")
    abbreviation = factory.Sequence(lambda n: f"PP{n}")
    country = factory.SubFactory(CountryFactory)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    partner_body = factory.SubFactory(PartnerBodyFactory)
    full_name = factory.Sequence(lambda n: f"Contact Person {n}")
    rank = "Police Colonel"
    post = "Director of International Cooperation"
    email = factory.Sequence(lambda n: f"contact{n}@partner.example")
    phone = "+855 23 000 000"


def stored_passkey(user, name: str = "YubiKey 5"):
    """A passkey row as registration leaves it (its key is random bytes: no ceremony can
    use it), for tests of what surrounds the ceremonies: lists, removal, scope."""
    import os

    from django_otp_webauthn.models import WebAuthnCredential

    return WebAuthnCredential.objects.create(
        user=user,
        name=name,
        confirmed=True,
        credential_id=os.urandom(32),
        public_key=os.urandom(77),
        transports=["usb"],
        aaguid="00000000-0000-0000-0000-000000000000",
    )
