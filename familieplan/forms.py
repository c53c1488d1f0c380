"""Forms of the family plan and the stafetlog; validation messages name the field and the rule."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from familieplan.models import (
    Aftale,
    Art,
    Kadence,
    Opfoelgning,
    Planversion,
    Sektorplan,
)
from familieplan.services import AktoerData, IndsatsData, MaalData, SektorplanData
from kerne.forms import DkfdsFormMixin
from kerne.models import Sektor


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _text(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _person_label(person) -> str:
    return person.fulde_navn


class RevisionMixin(forms.Form):
    """The revision of the row the editor loaded: the service refuses a save over a newer one."""

    revision = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)


class MaalForm(DkfdsFormMixin, RevisionMixin):
    titel = forms.CharField(
        label=_("Mål"),
        max_length=300,
        error_messages={"required": _("Skriv familiens mål.")},
    )
    maalopfyldelse = forms.CharField(
        label=_("Sådan ser vi, at målet er nået"),
        max_length=2000,
        widget=_text(),
        error_messages={"required": _("Skriv, hvordan I kan se, at målet er nået.")},
    )
    raekkefoelge = forms.IntegerField(label=_("Rækkefølge"), min_value=0, max_value=999, initial=0)

    def data_object(self) -> MaalData:
        c = self.cleaned_data
        return MaalData(
            titel=c["titel"], maalopfyldelse=c["maalopfyldelse"], raekkefoelge=c["raekkefoelge"]
        )


class IndsatsForm(DkfdsFormMixin, RevisionMixin):
    """Every field of an activity (DOMAIN.md §4)."""

    titel = forms.CharField(
        label=_("Indsats"),
        max_length=200,
        help_text=_("Et kort navn, fx 'Virksomhedspraktik i Netto'."),
        error_messages={"required": _("Giv indsatsen et navn.")},
    )
    sektor = forms.ChoiceField(
        label=_("Sektor"), error_messages={"required": _("Vælg den sektor, indsatsen hører til.")}
    )
    art = forms.ChoiceField(
        label=_("Art"),
        choices=[("", _("Vælg art")), *Art.choices],
        error_messages={"required": _("Vælg, hvilken slags indsats det er.")},
    )
    personer = forms.ModelMultipleChoiceField(
        label=_("Personer"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("De familiemedlemmer, indsatsen handler om."),
        error_messages={"required": _("Vælg mindst én person i familien, indsatsen handler om.")},
    )
    faelles_maal = forms.ModelChoiceField(
        label=_("Fælles mål"), queryset=None, required=False, empty_label=_("Intet fælles mål")
    )
    maal = forms.CharField(
        label=_("Mål"),
        max_length=2000,
        widget=_text(),
        error_messages={"required": _("Skriv indsatsens mål.")},
    )
    maalopfyldelse = forms.CharField(
        label=_("Sådan ser vi, at målet er nået"),
        max_length=2000,
        widget=_text(),
        error_messages={"required": _("Skriv, hvordan I kan se, at målet er nået.")},
    )
    tilbud = forms.CharField(
        label=_("Tilbud"),
        max_length=2000,
        widget=_text(),
        help_text=_("Hvad tilbuddet går ud på."),
        error_messages={"required": _("Beskriv tilbuddet.")},
    )
    leverandoer = forms.CharField(
        label=_("Leverandør"), max_length=200, error_messages={"required": _("Skriv leverandøren.")}
    )
    startdato = forms.DateField(
        label=_("Startdato"),
        widget=_date_input(),
        error_messages={
            "required": _("Skriv startdatoen."),
            "invalid": _("Startdatoen skal være en gyldig dato."),
        },
    )
    slutdato = forms.DateField(
        label=_("Slutdato"),
        widget=_date_input(),
        error_messages={
            "required": _("Skriv slutdatoen."),
            "invalid": _("Slutdatoen skal være en gyldig dato."),
        },
    )
    timer_pr_uge = forms.DecimalField(
        label=_("Timer pr. uge"),
        max_digits=4,
        decimal_places=1,
        help_text=_("Fra 0 til 60 timer."),
        error_messages={
            "required": _("Skriv, hvor mange timer om ugen indsatsen fylder (0–60)."),
            "invalid": _("Timer pr. uge skal være et tal mellem 0 og 60."),
            "max_digits": _("Timer pr. uge skal være mellem 0 og 60."),
            "max_decimal_places": _("Timer pr. uge må højst have én decimal."),
        },
    )
    lovgrundlag = forms.CharField(
        label=_("Lovgrundlag"),
        max_length=200,
        required=False,
        help_text=_("Hvis der er et, fx LAB § 42 eller SEL § 52, stk. 3, nr. 3."),
    )
    kadence = forms.ChoiceField(
        label=_("Opfølgning, hvor ofte"),
        choices=[("", _("Vælg hvor ofte")), *Kadence.choices],
        error_messages={"required": _("Vælg, hvor ofte der følges op på indsatsen.")},
    )
    opfoelgningsform = forms.CharField(
        label=_("Opfølgning, hvordan"),
        max_length=300,
        help_text=_("Fx samtale med Mette og mentor."),
        error_messages={"required": _("Skriv, hvordan der følges op.")},
    )
    konsekvens_ved_udeblivelse = forms.CharField(
        label=_("Konsekvens ved udeblivelse"),
        max_length=2000,
        widget=_text(2),
        error_messages={"required": _("Skriv, hvad udeblivelse betyder.")},
    )
    ansvarlig = forms.CharField(
        label=_("Ansvarlig fagperson"),
        max_length=200,
        error_messages={"required": _("Skriv, hvem der er ansvarlig.")},
    )
    synlig_for_familien = forms.BooleanField(
        label=_("Synlig for familien"), required=False, initial=True
    )
    raekkefoelge = forms.IntegerField(
        label=_("Rækkefølge"), min_value=0, max_value=999, initial=0, required=False
    )

    def __init__(self, *args, sektorer: list[str], personer, maal, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sektor"].choices = [("", _("Vælg sektor"))] + [
            (s, Sektor(s).label) for s in sektorer
        ]
        self.fields["personer"].queryset = personer
        self.fields["personer"].label_from_instance = _person_label
        self.fields["faelles_maal"].queryset = maal

    def clean_timer_pr_uge(self) -> Decimal:
        value = self.cleaned_data["timer_pr_uge"]
        if value is not None and not (0 <= value <= 60):
            raise forms.ValidationError(_("Timer pr. uge skal være mellem 0 og 60."))
        return value

    def clean(self) -> dict:
        cleaned = super().clean()
        start, slut = cleaned.get("startdato"), cleaned.get("slutdato")
        if start and slut and slut < start:
            self.add_error("slutdato", _("Slutdatoen skal ligge på eller efter startdatoen."))
        return cleaned

    def data_object(self) -> IndsatsData:
        c = self.cleaned_data
        return IndsatsData(
            sektor=c["sektor"],
            titel=c["titel"],
            art=c["art"],
            personer=list(c["personer"]),
            maal=c["maal"],
            maalopfyldelse=c["maalopfyldelse"],
            tilbud=c["tilbud"],
            leverandoer=c["leverandoer"],
            startdato=c["startdato"],
            slutdato=c["slutdato"],
            timer_pr_uge=c["timer_pr_uge"],
            kadence=c["kadence"],
            opfoelgningsform=c["opfoelgningsform"],
            konsekvens_ved_udeblivelse=c["konsekvens_ved_udeblivelse"],
            ansvarlig=c["ansvarlig"],
            lovgrundlag=c.get("lovgrundlag", ""),
            faelles_maal=c.get("faelles_maal"),
            synlig_for_familien=c.get("synlig_for_familien", False),
            raekkefoelge=c.get("raekkefoelge") or 0,
        )

    @staticmethod
    def initial_from(indsats) -> dict:
        initial = {
            name: getattr(indsats, name)
            for name in (
                "titel",
                "art",
                "maal",
                "maalopfyldelse",
                "tilbud",
                "leverandoer",
                "startdato",
                "slutdato",
                "timer_pr_uge",
                "lovgrundlag",
                "kadence",
                "opfoelgningsform",
                "konsekvens_ved_udeblivelse",
                "ansvarlig",
                "synlig_for_familien",
                "raekkefoelge",
                "revision",
            )
        }
        initial["sektor"] = indsats.sagsdel.sektor
        initial["personer"] = list(indsats.personer.all())
        initial["faelles_maal"] = indsats.faelles_maal_id
        return initial


class SektorplanForm(DkfdsFormMixin, RevisionMixin):
    sektor = forms.ChoiceField(
        label=_("Sektor"), error_messages={"required": _("Vælg sektorplanens sektor.")}
    )
    type = forms.ChoiceField(
        label=_("Type"),
        choices=[("", _("Vælg type")), *Sektorplan.Type.choices],
        error_messages={"required": _("Vælg, hvilken slags plan det er.")},
    )
    dato = forms.DateField(
        label=_("Dato"),
        widget=_date_input(),
        error_messages={"required": _("Skriv planens dato."), "invalid": _("Datoen er ugyldig.")},
    )
    ejer = forms.CharField(
        label=_("Ejer"),
        max_length=200,
        error_messages={"required": _("Skriv, hvem der ejer planen.")},
    )
    reference = forms.CharField(
        label=_("Reference"),
        max_length=200,
        help_text=_("Fx sagsnummer i fagsystemet."),
        error_messages={"required": _("Skriv en reference til planen.")},
    )

    def __init__(self, *args, sektorer: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sektor"].choices = [("", _("Vælg sektor"))] + [
            (s, Sektor(s).label) for s in sektorer
        ]

    def data_object(self) -> SektorplanData:
        c = self.cleaned_data
        return SektorplanData(
            sektor=c["sektor"],
            type=c["type"],
            dato=c["dato"],
            ejer=c["ejer"],
            reference=c["reference"],
        )


class AftalForm(DkfdsFormMixin, forms.Form):
    """Agree the draft with the family: who, when, how."""

    revision = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    aftalt_med = forms.ModelMultipleChoiceField(
        label=_("Aftalt med"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Vælg mindst én person i familien, planen er aftalt med.")},
    )
    aftalt_dato = forms.DateField(
        label=_("Dato"),
        initial=timezone.localdate,
        widget=_date_input(),
        error_messages={
            "required": _("Skriv datoen for aftalen."),
            "invalid": _("Datoen er ugyldig."),
        },
    )
    aftalt_form = forms.ChoiceField(
        label=_("Hvordan"),
        choices=[("", _("Vælg hvordan")), *Planversion.Form.choices],
        error_messages={"required": _("Vælg, hvordan planen blev aftalt.")},
    )

    def __init__(self, *args, personer, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["aftalt_med"].queryset = personer
        self.fields["aftalt_med"].label_from_instance = _person_label

    def clean_aftalt_dato(self):
        value = self.cleaned_data["aftalt_dato"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("Datoen for aftalen kan ikke ligge i fremtiden."))
        return value


class OpfoelgningForm(DkfdsFormMixin, forms.Form):
    dato = forms.DateField(
        label=_("Dato"),
        initial=timezone.localdate,
        widget=_date_input(),
        error_messages={
            "required": _("Skriv datoen for opfølgningen."),
            "invalid": _("Datoen er ugyldig."),
        },
    )
    form = forms.CharField(
        label=_("Hvordan"),
        max_length=200,
        help_text=_("Fx samtale med Mette."),
        error_messages={"required": _("Skriv, hvordan der blev fulgt op.")},
    )
    vurdering = forms.ChoiceField(
        label=_("Vurdering"),
        choices=[("", _("Vælg vurdering")), *Opfoelgning.Vurdering.choices],
        error_messages={"required": _("Vælg en vurdering.")},
    )
    notat = forms.CharField(label=_("Notat"), max_length=4000, required=False, widget=_text(4))

    def clean_dato(self):
        value = self.cleaned_data["dato"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("Opfølgningens dato kan ikke ligge i fremtiden."))
        return value


class AktoerForm(DkfdsFormMixin, forms.Form):
    navn = forms.CharField(
        label=_("Navn"), max_length=200, error_messages={"required": _("Skriv navnet.")}
    )
    rolle = forms.CharField(
        label=_("Rolle"),
        max_length=200,
        help_text=_("Fx mentor, psykolog, mormor."),
        error_messages={"required": _("Skriv personens rolle.")},
    )
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    kontakt = forms.CharField(
        label=_("Sådan kontaktes personen"),
        max_length=300,
        help_text=_("Telefon, e-mail eller tider, hvor personen kan træffes."),
        error_messages={"required": _("Skriv, hvordan personen kan kontaktes.")},
    )
    er_stafetholder = forms.BooleanField(label=_("Stafetholder"), required=False)
    bruger = forms.ModelChoiceField(
        label=_("Brugerkonto"),
        queryset=None,
        required=False,
        empty_label=_("Ingen brugerkonto"),
        help_text=_("En fagperson med en konto her kan få lov at læse stafetloggen."),
    )
    maa_laese = forms.BooleanField(
        label=_("Forældrene har sagt ja til, at personen må læse stafetloggen"), required=False
    )
    laeseadgang_besluttet_af = forms.ModelChoiceField(
        label=_("Besluttet af"), queryset=None, required=False, empty_label=_("Vælg forælder")
    )

    def __init__(self, *args, brugere, voksne, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bruger"].queryset = brugere
        self.fields["bruger"].label_from_instance = lambda u: u.get_full_name() or u.get_username()
        self.fields["laeseadgang_besluttet_af"].queryset = voksne
        self.fields["laeseadgang_besluttet_af"].label_from_instance = _person_label

    def data_object(self) -> AktoerData:
        c = self.cleaned_data
        return AktoerData(
            navn=c["navn"],
            rolle=c["rolle"],
            organisation=c.get("organisation", ""),
            kontakt=c["kontakt"],
            bruger=c.get("bruger"),
            maa_laese=c.get("maa_laese", False),
            laeseadgang_besluttet_af=c.get("laeseadgang_besluttet_af"),
            er_stafetholder=c.get("er_stafetholder", False),
        )


class MoedeForm(DkfdsFormMixin, forms.Form):
    tidspunkt = forms.DateTimeField(
        label=_("Tidspunkt"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={
            "required": _("Skriv mødets dato og tid."),
            "invalid": _("Skriv en gyldig dato og tid."),
        },
    )
    sted = forms.CharField(
        label=_("Sted"), max_length=200, error_messages={"required": _("Skriv, hvor mødet holdes.")}
    )


class AftaleForm(DkfdsFormMixin, forms.Form):
    hvad = forms.CharField(
        label=_("Hvad"),
        max_length=500,
        widget=_text(2),
        error_messages={"required": _("Skriv, hvad der er aftalt.")},
    )
    hvem = forms.CharField(
        label=_("Hvem"), max_length=200, error_messages={"required": _("Skriv, hvem der gør det.")}
    )
    frist = forms.DateField(
        label=_("Senest"),
        widget=_date_input(),
        error_messages={
            "required": _("Skriv, hvornår det senest skal være gjort."),
            "invalid": _("Datoen er ugyldig."),
        },
    )
    moede = forms.ModelChoiceField(
        label=_("Aftalt på mødet"), queryset=None, required=False, empty_label=_("Intet møde")
    )

    def __init__(self, *args, moeder, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["moede"].queryset = moeder
        self.fields["moede"].label_from_instance = lambda m: (
            f"{timezone.localtime(m.tidspunkt):%d.%m.%Y %H:%M}, {m.sted}"
        )


class AftaleStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Aftale.Status.choices)


class PlanIndstillingForm(DkfdsFormMixin, forms.Form):
    ugebudget_voksen = forms.IntegerField(
        label=_("Timebudget pr. uge for en voksen"),
        min_value=1,
        max_value=80,
        error_messages={
            "required": _("Skriv timebudgettet for en voksen."),
            "min_value": _("Timebudgettet for en voksen skal være mellem 1 og 80 timer."),
            "max_value": _("Timebudgettet for en voksen skal være mellem 1 og 80 timer."),
        },
    )
    ugebudget_barn = forms.IntegerField(
        label=_("Timebudget pr. uge for et barn"),
        min_value=1,
        max_value=80,
        error_messages={
            "required": _("Skriv timebudgettet for et barn."),
            "min_value": _("Timebudgettet for et barn skal være mellem 1 og 80 timer."),
            "max_value": _("Timebudgettet for et barn skal være mellem 1 og 80 timer."),
        },
    )
