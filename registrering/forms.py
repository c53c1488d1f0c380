"""Forms of the monthly registration. The family's month form is built from the indicator
definitions in the view (one field per member and indicator); these are the fixed ones."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kerne.forms import DkfdsFormMixin
from registrering import rules, selectors
from registrering.models import Milepael, Risiko, Spoergeskema
from registrering.scoring import SDQ_ITEMS, SDQ_VERSIONS, WHO5_ITEMS


class MonthField(forms.DateField):
    """A month as <input type="month"> sends it (YYYY-MM), cleaned to its first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m"]
    default_error_messages = {"invalid": _("Skriv måneden som ÅÅÅÅ-MM, fx 2026-03.")}

    def to_python(self, value):
        value = super().to_python(value)
        return rules.month_start(value) if value else value


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MaanedFilterForm(DkfdsFormMixin, forms.Form):
    maaned = MonthField(label=_("Måned"), required=False)
    koordinator = forms.ModelChoiceField(
        label=_("Koordinerende sagsbehandler"),
        required=False,
        queryset=None,
        empty_label=_("Alle sagsbehandlere"),
    )
    kun_mangler = forms.BooleanField(label=_("Vis kun familier med mangler"), required=False)

    def __init__(self, *args, koordinatorer, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["koordinator"].queryset = koordinatorer
        self.fields["koordinator"].label_from_instance = lambda user: (
            user.get_full_name() or user.get_username()
        )


class GenaabnForm(DkfdsFormMixin, forms.Form):
    begrundelse = forms.CharField(
        label=_("Begrundelse"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Skriv, hvorfor måneden genåbnes.")},
    )
    aaben_til = forms.DateField(
        label=_("Åben til og med"),
        widget=_date_input(),
        help_text=_("Måneden låses igen efter denne dato (højst 31 dage frem)."),
        error_messages={"required": _("Vælg, hvor længe måneden skal være åben.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["aaben_til"].initial = timezone.localdate() + datetime.timedelta(days=7)


def _radio(label: str, choices, *, required: bool = False) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=[(str(value), text) for value, text in choices],
        coerce=int,
        empty_value=None,
        required=required,
        widget=forms.RadioSelect,
    )


class SpoergeskemaForm(DkfdsFormMixin, forms.Form):
    """An SDQ or WHO-5 by item: SDQ items by number and neutral label unless texts are loaded."""

    person = forms.ModelChoiceField(
        label=_("Familiemedlem"),
        queryset=None,
        empty_label=_("Vælg familiemedlem"),
        error_messages={"required": _("Vælg det familiemedlem, skemaet handler om.")},
    )
    version = forms.ChoiceField(label=_("Version"), required=False)
    maalepunkt = forms.ChoiceField(
        label=_("Målepunkt"),
        choices=Spoergeskema.Maalepunkt.choices,
        error_messages={"required": _("Vælg et målepunkt.")},
    )
    dato = forms.DateField(
        label=_("Dato for besvarelsen"),
        widget=_date_input(),
        initial=timezone.localdate,
        error_messages={"required": _("Angiv datoen for besvarelsen.")},
    )

    def __init__(self, *args, skematype: str, personer, item_texts: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.skematype = skematype
        self.fields["person"].queryset = personer
        self.fields["person"].label_from_instance = lambda person: person.fulde_navn
        if skematype == Spoergeskema.Type.SDQ:
            self.fields["version"].choices = [(v.code, v.label) for v in SDQ_VERSIONS.values()]
            self.fields["version"].required = True
            self.fields["version"].error_messages["required"] = _("Vælg en SDQ-version.")
            self.item_names = []
            for item in SDQ_ITEMS:
                name = f"punkt_{item}"
                label = item_texts.get(item) or selectors.neutral_label(item)
                self.fields[name] = _radio(label, selectors.SDQ_ANSWERS)
                self.item_names.append(name)
            self.impact_names = []
            for item in selectors.IMPACT_LABELS:
                name = f"punkt_{item}"
                label = item_texts.get(item) or selectors.IMPACT_LABELS[item]
                self.fields[name] = _radio(label, selectors.IMPACT_ANSWERS)
                self.impact_names.append(name)
        else:
            del self.fields["version"]
            self.item_names = []
            self.impact_names = []
            for item in WHO5_ITEMS:
                name = f"punkt_{item}"
                self.fields[name] = _radio(
                    f"{item}. {selectors.WHO5_TEXTS[item]}", selectors.WHO5_ANSWERS
                )
                self.item_names.append(name)

    @property
    def item_fields(self):
        return [self[name] for name in self.item_names]

    @property
    def impact_fields(self):
        return [self[name] for name in self.impact_names]

    def answers(self) -> dict[str, int | None]:
        return {
            name.removeprefix("punkt_"): self.cleaned_data.get(name)
            for name in (*self.item_names, *self.impact_names)
        }


def _scale_choices():
    return [(str(n), str(n)) for n in range(1, 6)]


class RisikoForm(DkfdsFormMixin, forms.Form):
    beskrivelse = forms.CharField(
        label=_("Beskrivelse"),
        max_length=300,
        error_messages={"required": _("Beskriv risikoen.")},
    )
    sandsynlighed = forms.TypedChoiceField(
        label=_("Sandsynlighed (1–5)"),
        choices=_scale_choices,
        coerce=int,
        help_text=_("1 = meget usandsynlig, 5 = næsten sikker."),
        error_messages={"required": _("Vælg sandsynligheden fra 1 til 5.")},
    )
    konsekvens = forms.TypedChoiceField(
        label=_("Konsekvens (1–5)"),
        choices=_scale_choices,
        coerce=int,
        help_text=_("1 = ubetydelig, 5 = meget alvorlig."),
        error_messages={"required": _("Vælg konsekvensen fra 1 til 5.")},
    )
    afhjaelpning = forms.CharField(
        label=_("Afhjælpning"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    ejer = forms.CharField(
        label=_("Ejer"),
        max_length=150,
        help_text=_("Hvem følger op på risikoen."),
        error_messages={"required": _("Angiv, hvem der ejer risikoen.")},
    )
    status = forms.ChoiceField(label=_("Status"), choices=Risiko.Status.choices)
    maaned = MonthField(
        label=_("Vurderet for måned"),
        error_messages={"required": _("Angiv den måned, vurderingen gælder.")},
    )
    note = forms.CharField(
        label=_("Bemærkning til ændringen"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, current_status: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if current_status:
            allowed = {current_status} | Risiko.TRANSITIONS[current_status]
            self.fields["status"].choices = [
                (value, label) for value, label in Risiko.Status.choices if value in allowed
            ]


class MilepaelForm(DkfdsFormMixin, forms.Form):
    titel = forms.CharField(
        label=_("Titel"), max_length=200, error_messages={"required": _("Giv milepælen en titel.")}
    )
    frist = forms.DateField(
        label=_("Frist"),
        widget=_date_input(),
        error_messages={"required": _("Angiv milepælens frist.")},
    )
    status = forms.ChoiceField(label=_("Status"), choices=Milepael.Status.choices)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    maaned = MonthField(
        label=_("Vurderet for måned"),
        error_messages={"required": _("Angiv den måned, vurderingen gælder.")},
    )
    bemaerkning = forms.CharField(
        label=_("Bemærkning til ændringen"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, current_status: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if current_status:
            allowed = {current_status} | Milepael.TRANSITIONS[current_status]
            self.fields["status"].choices = [
                (value, label) for value, label in Milepael.Status.choices if value in allowed
            ]


class IndlaesningForm(DkfdsFormMixin, forms.Form):
    fil = forms.FileField(
        label=_("CSV-fil"),
        help_text=_(
            "Kolonner: cpr;maaned;indikator;vaerdi – fx 010110-1234;2026-03;skolefravaer_pct;12,5"
        ),
        error_messages={"required": _("Vælg en CSV-fil.")},
    )


class IndlaesningGodkendForm(forms.Form):
    """The commit's confirmation: no fields, only the button."""
