"""Forms of the family's network; validation messages name the field and the rule."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from familieplan.models import Stafetmoede
from kerne.forms import DkfdsFormMixin
from netvaerk.models import Fritidstilknytning, Partner, Tilbud
from netvaerk.services import PartnerData, TilbudData


def _date() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _datetime_field(label, **kwargs) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={
            "required": _("Skriv mødets dato og tid."),
            "invalid": _("Skriv en gyldig dato og tid."),
        },
        **kwargs,
    )


def _text(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _date_field(label, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=_date(),
        required=required,
        error_messages={"required": _("Skriv en dato."), "invalid": _("Skriv en gyldig dato.")},
    )


# --- Catalogue ----------------------------------------------------------------------------------


class PartnerForm(DkfdsFormMixin, forms.Form):
    navn = forms.CharField(
        label=_("Navn"), max_length=200, error_messages={"required": _("Skriv partnerens navn.")}
    )
    art = forms.ChoiceField(
        label=_("Art"),
        choices=[("", _("Vælg art")), *Partner.Art.choices],
        error_messages={"required": _("Vælg, hvilken slags partner det er.")},
    )
    kontaktperson = forms.CharField(label=_("Kontaktperson"), max_length=200, required=False)
    telefon = forms.CharField(label=_("Telefon"), max_length=20, required=False)
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        error_messages={"invalid": _("Skriv en gyldig e-mailadresse.")},
    )
    adresse = forms.CharField(label=_("Adresse"), max_length=200, required=False)
    beskrivelse = forms.CharField(
        label=_("Beskrivelse"), max_length=2000, required=False, widget=_text()
    )
    aktiv = forms.BooleanField(label=_("Aktiv"), required=False, initial=True)

    def data_object(self) -> PartnerData:
        return PartnerData(**self.cleaned_data)


class TilbudForm(DkfdsFormMixin, forms.Form):
    titel = forms.CharField(
        label=_("Tilbud"),
        max_length=200,
        help_text=_("Fx 'Fodbold for 8–12-årige' eller 'Fritidsjob i butik'."),
        error_messages={"required": _("Skriv tilbuddets navn.")},
    )
    art = forms.ChoiceField(
        label=_("Art"),
        choices=[("", _("Vælg art")), *Tilbud.Art.choices],
        error_messages={"required": _("Vælg, hvilken slags tilbud det er.")},
    )
    alder_fra = forms.IntegerField(
        label=_("Fra alder"),
        required=False,
        min_value=0,
        max_value=120,
        error_messages={"min_value": _("Alder skal være mellem 0 og 120.")},
    )
    alder_til = forms.IntegerField(
        label=_("Til og med alder"),
        required=False,
        min_value=0,
        max_value=120,
        error_messages={"max_value": _("Alder skal være mellem 0 og 120.")},
    )
    beskrivelse = forms.CharField(
        label=_("Beskrivelse"), max_length=2000, required=False, widget=_text()
    )
    omkostningstype = forms.ModelChoiceField(
        label=_("Kontingent bogføres som"),
        queryset=None,
        required=False,
        empty_label=_("Intet kontingent"),
        help_text=_("Omkostningstypen i prislisten, hvis kommunen betaler kontingent."),
    )
    aktiv = forms.BooleanField(label=_("Aktivt"), required=False, initial=True)

    def __init__(self, *args, omkostningstyper, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["omkostningstype"].queryset = omkostningstyper

    def clean(self) -> dict:
        cleaned = super().clean()
        fra, til = cleaned.get("alder_fra"), cleaned.get("alder_til")
        if fra is not None and til is not None and til < fra:
            self.add_error("alder_til", _("Aldersgrænsen 'til' skal være mindst 'fra'."))
        return cleaned

    def data_object(self) -> TilbudData:
        return TilbudData(**self.cleaned_data)


class SamarbejdsaftaleForm(DkfdsFormMixin, forms.Form):
    titel = forms.CharField(
        label=_("Aftale"), max_length=200, error_messages={"required": _("Skriv aftalens navn.")}
    )
    gyldig_fra = _date_field(_("Gyldig fra"))
    gyldig_til = _date_field(_("Gyldig til"), required=False)
    note = forms.CharField(label=_("Indhold"), max_length=2000, required=False, widget=_text())

    def clean(self) -> dict:
        cleaned = super().clean()
        fra, til = cleaned.get("gyldig_fra"), cleaned.get("gyldig_til")
        if fra and til and til < fra:
            self.add_error("gyldig_til", _("Aftalen skal slutte på eller efter sin startdato."))
        return cleaned


class MentorForm(DkfdsFormMixin, forms.Form):
    navn = forms.CharField(
        label=_("Navn"), max_length=200, error_messages={"required": _("Skriv mentorens navn.")}
    )
    kontakt = forms.CharField(
        label=_("Sådan kontaktes mentoren"),
        max_length=300,
        error_messages={"required": _("Skriv, hvordan mentoren kontaktes.")},
    )
    uddannet = forms.BooleanField(label=_("Uddannet mentor"), required=False)
    bruger = forms.ModelChoiceField(
        label=_("Brugerkonto"),
        queryset=None,
        required=False,
        empty_label=_("Ingen brugerkonto"),
        help_text=_("Kun hvis mentoren skal kunne læse stafetloggen i de familier, de er med i."),
    )

    def __init__(self, *args, brugere, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bruger"].queryset = brugere


# --- Meetings -----------------------------------------------------------------------------------


class MoedeForm(DkfdsFormMixin, forms.Form):
    art = forms.ChoiceField(label=_("Mødetype"), choices=Stafetmoede.Art.choices)
    tidspunkt = _datetime_field(_("Tidspunkt"))
    sted = forms.CharField(
        label=_("Sted"), max_length=200, error_messages={"required": _("Skriv, hvor mødet holdes.")}
    )
    dagsorden = forms.CharField(
        label=_("Dagsorden"),
        max_length=4000,
        required=False,
        widget=_text(5),
        help_text=_("Ét punkt pr. linje."),
    )


class MoedeRetForm(MoedeForm):
    referat = forms.CharField(
        label=_("Referat"),
        max_length=20000,
        required=False,
        widget=_text(8),
        help_text=_("Familien kan læse referatet. Skriv i et sprog, familien forstår."),
    )
    intern_note = forms.CharField(
        label=_("Intern note"),
        max_length=4000,
        required=False,
        widget=_text(3),
        help_text=_("Kun for fagpersoner. Vises aldrig for familien eller på mødeskærmen."),
    )


class DeltagerForm(DkfdsFormMixin, forms.Form):
    personer = forms.ModelMultipleChoiceField(
        label=_("Fra familien"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    aktoerer = forms.ModelMultipleChoiceField(
        label=_("Fagpersoner og netværk"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, personer, aktoerer, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["personer"].queryset = personer
        self.fields["personer"].label_from_instance = lambda p: p.fulde_navn
        self.fields["aktoerer"].queryset = aktoerer


class AftaleSkaermForm(DkfdsFormMixin, forms.Form):
    """An agreement typed on the meeting screen: what, who, by when."""

    hvad = forms.CharField(
        label=_("Hvad er aftalt"),
        max_length=500,
        error_messages={"required": _("Skriv, hvad der er aftalt.")},
    )
    hvem = forms.CharField(
        label=_("Hvem gør det"),
        max_length=200,
        error_messages={"required": _("Skriv, hvem der gør det.")},
    )
    frist = _date_field(_("Senest"))


class BeslutningForm(DkfdsFormMixin, forms.Form):
    tekst = forms.CharField(
        label=_("Beslutning"),
        max_length=1000,
        widget=_text(2),
        error_messages={"required": _("Skriv beslutningen.")},
    )
    som_aftale = forms.BooleanField(label=_("Bliver til en aftale i stafetloggen"), required=False)
    hvem = forms.CharField(label=_("Hvem gør det"), max_length=200, required=False)
    frist = _date_field(_("Senest"), required=False)
    som_indsats = forms.BooleanField(
        label=_("Bliver til en indsats i planens kladde"), required=False
    )
    synlig_for_familien = forms.BooleanField(
        label=_("Synlig for familien"), required=False, initial=True
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("som_aftale"):
            if not (cleaned.get("hvem") or "").strip():
                self.add_error("hvem", _("Skriv, hvem der gør det."))
            if not cleaned.get("frist") and "frist" not in self.errors:
                self.add_error("frist", _("Skriv, hvornår det senest skal være gjort."))
        return cleaned


class NaesteMoedeForm(DkfdsFormMixin, forms.Form):
    tidspunkt = _datetime_field(_("Næste møde"))
    sted = forms.CharField(
        label=_("Sted"), max_length=200, error_messages={"required": _("Skriv, hvor mødet holdes.")}
    )
    art = forms.ChoiceField(label=_("Mødetype"), choices=Stafetmoede.Art.choices)


class BekraeftForm(DkfdsFormMixin, forms.Form):
    person = forms.ModelChoiceField(
        label=_("Hvem i familien bekræfter aftalerne"),
        queryset=None,
        error_messages={"required": _("Vælg, hvem i familien der bekræfter.")},
    )

    def __init__(self, *args, personer, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = personer
        self.fields["person"].label_from_instance = lambda p: p.fulde_navn


# --- Links --------------------------------------------------------------------------------------


class IndsatsPartnerForm(DkfdsFormMixin, forms.Form):
    partner = forms.ModelChoiceField(
        label=_("Partner"), queryset=None, required=False, empty_label=_("Ingen partner")
    )
    tilbud = forms.ModelChoiceField(
        label=_("Tilbud"), queryset=None, required=False, empty_label=_("Intet bestemt tilbud")
    )

    def __init__(self, *args, partnere, tilbud, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partnere
        self.fields["tilbud"].queryset = tilbud


class FritidForm(DkfdsFormMixin, forms.Form):
    person = forms.ModelChoiceField(
        label=_("Barn eller ung"),
        queryset=None,
        error_messages={"required": _("Vælg barnet eller den unge.")},
    )
    art = forms.ChoiceField(
        label=_("Art"),
        choices=Fritidstilknytning.Art.choices,
        error_messages={"required": _("Vælg fritidsaktivitet eller fritidsjob.")},
    )
    partner = forms.ModelChoiceField(
        label=_("Partner"), queryset=None, error_messages={"required": _("Vælg partneren.")}
    )
    tilbud = forms.ModelChoiceField(
        label=_("Tilbud"), queryset=None, required=False, empty_label=_("Intet bestemt tilbud")
    )
    fra = _date_field(_("Fra"))
    til = _date_field(_("Til"), required=False)

    def __init__(self, *args, boern, partnere, tilbud, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = boern
        self.fields["person"].label_from_instance = lambda p: p.fulde_navn
        self.fields["partner"].queryset = partnere
        self.fields["tilbud"].queryset = tilbud

    def clean(self) -> dict:
        cleaned = super().clean()
        fra, til = cleaned.get("fra"), cleaned.get("til")
        if fra and til and til < fra:
            self.add_error("til", _("Slutdatoen skal ligge på eller efter startdatoen."))
        return cleaned


class FritidAfslutForm(DkfdsFormMixin, forms.Form):
    til = _date_field(_("Sluttede"))


class KontingentForm(DkfdsFormMixin, forms.Form):
    omkostningstype = forms.ModelChoiceField(
        label=_("Bogføres som"),
        queryset=None,
        required=False,
        empty_label=_("Tilbuddets omkostningstype"),
    )
    fra = _date_field(_("Fra"))
    til = _date_field(_("Til"), required=False)

    def __init__(self, *args, omkostningstyper, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["omkostningstype"].queryset = omkostningstyper


class MentorTilknytForm(DkfdsFormMixin, forms.Form):
    mentor = forms.ModelChoiceField(
        label=_("Mentor"), queryset=None, error_messages={"required": _("Vælg mentoren.")}
    )
    maa_laese = forms.BooleanField(
        label=_("Forældrene har sagt ja til, at mentoren må læse stafetloggen"), required=False
    )
    laeseadgang_besluttet_af = forms.ModelChoiceField(
        label=_("Besluttet af"), queryset=None, required=False, empty_label=_("Vælg forælder")
    )

    def __init__(self, *args, mentorer, voksne, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = mentorer
        self.fields["laeseadgang_besluttet_af"].queryset = voksne
        self.fields["laeseadgang_besluttet_af"].label_from_instance = lambda p: p.fulde_navn
