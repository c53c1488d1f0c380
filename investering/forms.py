"""Forms of the investment model: catalogue, cost lines, investment, what-if, import, drill-down."""

import re
from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from investering.beregning import AKTUEL, BASELINE, PERIODE, SIDEN_OPTAGELSE
from investering.formatering import format_number
from investering.models import Enhed, Investeringslinje
from kerne.forms import DkfdsFormMixin
from kerne.models import Sektor


def _date_input() -> forms.DateInput:
    # ISO in the value attribute: what <input type="date"> reads and sends.
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


_THOUSANDS = re.compile(r"^-?[0-9]{1,3}(\.[0-9]{3})+$")


class DanishDecimalField(forms.DecimalField):
    """A decimal as a Danish user types it: 1.234,50 or 1234,50 (and 1234.50 from a paste).

    Django reads thousand separators only with USE_THOUSAND_SEPARATOR on, which would change
    every number the site shows; this field reads them itself.
    """

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            text = value.strip().replace(" ", "").removesuffix("kr.").removesuffix("kr")
            if "," in text:
                text = text.replace(".", "").replace(",", ".")
            elif _THOUSANDS.match(text):
                text = text.replace(".", "")
            value = text
        return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return format_number(value) if value == value.quantize(Decimal("0.01")) else value
        return value


def _amount(label, *, required: bool = True, minimum: str = "0", help_text: str = ""):
    # max_digits keeps the database's bounds: too long a number is a 400, not a 500.
    return DanishDecimalField(
        label=label,
        required=required,
        max_digits=12,
        decimal_places=2,
        min_value=Decimal(minimum),
        help_text=help_text,
    )


class OmkostningstypeForm(DkfdsFormMixin, forms.Form):
    navn = forms.CharField(label=_("Navn"), max_length=100)
    enhed = forms.ChoiceField(label=_("Enhed"), choices=Enhed.choices)
    sektor = forms.ChoiceField(label=_("Sektor"), choices=Sektor.choices)
    forvaltning = forms.ModelChoiceField(
        label=_("Betalende forvaltning"), queryset=None, empty_label=_("Vælg forvaltning")
    )
    eksempel = forms.BooleanField(
        label=_("Priserne er eksempler, ikke kommunens egne takster"), required=False
    )

    def __init__(self, *args, forvaltninger, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["forvaltning"].queryset = forvaltninger


class PrisForm(DkfdsFormMixin, forms.Form):
    gyldig_fra = forms.DateField(label=_("Gyldig fra"), widget=_date_input())
    beloeb = _amount(_("Enhedspris (kr.)"))


class PrisRetForm(DkfdsFormMixin, forms.Form):
    beloeb = _amount(
        _("Rettet enhedspris (kr.)"),
        help_text=_("Rettelsen slår igennem i alle tal, prisen indgår i."),
    )


class LinjeForm(DkfdsFormMixin, forms.Form):
    omkostningstype = forms.ModelChoiceField(
        label=_("Omkostningstype"), queryset=None, empty_label=_("Vælg omkostningstype")
    )
    person = forms.ModelChoiceField(
        label=_("Person"),
        queryset=None,
        required=False,
        empty_label=_("Hele familien"),
    )
    antal = DanishDecimalField(
        label=_("Antal"),
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        help_text=_(
            "Pr. måned, dag eller år: hvor mange ad gangen (fx 1). "
            "Pr. time, session eller forløb: antallet i hele perioden."
        ),
    )
    fra = forms.DateField(label=_("Fra"), widget=_date_input())
    til = forms.DateField(
        label=_("Til"),
        required=False,
        widget=_date_input(),
        help_text=_("Tom: løber stadig (kun for priser pr. måned, dag eller år)."),
    )
    pris_override = _amount(
        _("Afvigende enhedspris (kr.)"),
        required=False,
        help_text=_("Kun hvis prislistens pris ikke gælder for denne linje."),
    )
    override_begrundelse = forms.CharField(
        label=_("Begrundelse for afvigende pris"), max_length=300, required=False
    )

    def __init__(self, *args, typer, personer, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["omkostningstype"].queryset = typer
        self.fields["omkostningstype"].label_from_instance = lambda t: (
            f"{t.navn} ({t.get_enhed_display()}, {t.get_sektor_display()})"
        )
        self.fields["person"].queryset = personer
        self.fields["person"].label_from_instance = lambda p: p.fulde_navn

    def clean(self):
        data = super().clean()
        fra, til = data.get("fra"), data.get("til")
        if fra and til and til < fra:
            self.add_error("til", _("Til-datoen skal ligge på eller efter fra-datoen."))
        return data


class SletForm(forms.Form):
    bekraeft = forms.BooleanField(required=True)


class InvesteringForm(DkfdsFormMixin, forms.Form):
    kategori = forms.ChoiceField(label=_("Kategori"), choices=Investeringslinje.Kategori.choices)
    beskrivelse = forms.CharField(label=_("Beskrivelse"), max_length=200)
    forvaltning = forms.ModelChoiceField(
        label=_("Betalende forvaltning"),
        queryset=None,
        required=False,
        empty_label=_("Projektet selv"),
    )
    beloeb = _amount(_("Beløb (kr.)"))
    enhed = forms.ChoiceField(label=_("Beløbet er"), choices=Investeringslinje.Enhed.choices)
    fra = forms.DateField(label=_("Fra"), widget=_date_input())
    til = forms.DateField(label=_("Til"), required=False, widget=_date_input())

    def __init__(self, *args, forvaltninger, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["forvaltning"].queryset = forvaltninger

    def clean(self):
        data = super().clean()
        fra, til = data.get("fra"), data.get("til")
        if fra and til and til < fra:
            self.add_error("til", _("Til-datoen skal ligge på eller efter fra-datoen."))
        if data.get("enhed") == Investeringslinje.Enhed.I_ALT and not til:
            self.add_error("til", _("Et beløb i alt for perioden kræver en slutdato."))
        return data


class HvisForm(DkfdsFormMixin, forms.Form):
    """The business case's what-if: another discount rate, a price change. Nothing is saved."""

    rente = DanishDecimalField(
        label=_("Diskonteringsrente (% pr. år)"),
        required=False,
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    omkostningstype = forms.ModelChoiceField(
        label=_("Prisændring for"),
        queryset=None,
        required=False,
        empty_label=_("Ingen prisændring"),
    )
    ny_pris = _amount(_("Ny enhedspris (kr.)"), required=False)
    gyldig_fra = forms.DateField(label=_("Gældende fra"), required=False, widget=_date_input())

    def __init__(self, *args, typer, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["omkostningstype"].queryset = typer

    def clean(self):
        data = super().clean()
        names = ("omkostningstype", "ny_pris", "gyldig_fra")
        # What was typed counts, even where it did not parse: half a price change is an error.
        typed = [bool(str(self.data.get(name, "")).strip()) for name in names]
        if any(typed) and not all(typed):
            for name, given in zip(names, typed, strict=True):
                if not given:
                    self.add_error(
                        name,
                        _("Udfyld omkostningstype, ny pris og dato for at beregne en prisændring."),
                    )
        return data


class RenteForm(DkfdsFormMixin, forms.Form):
    rente = DanishDecimalField(
        label=_("Projektets diskonteringsrente (% pr. år)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )


class ImportForm(DkfdsFormMixin, forms.Form):
    fil = forms.FileField(
        label=_("CSV-fil"),
        help_text=_(
            "Kolonner: cpr;familie;omkostningstype;antal;fra;til;enhedspris;begrundelse. "
            "Semikolon eller komma; datoer som 31-01-2025."
        ),
    )
    proeve = forms.BooleanField(
        label=_("Prøvekørsel: vis resultatet uden at gemme"), required=False, initial=True
    )

    MAX_BYTES = 2 * 1024 * 1024

    def clean_fil(self):
        fil = self.cleaned_data["fil"]
        if fil.size > self.MAX_BYTES:
            raise forms.ValidationError(_("Filen må højst fylde 2 MB."))
        return fil


ART_CHOICES = [
    (BASELINE, _("Baseline (12 måneder før optagelse)")),
    (AKTUEL, _("Aktuelt (rullende 12 måneder)")),
    (SIDEN_OPTAGELSE, _("Siden optagelse")),
    (PERIODE, _("Hele perioden")),
]


class GrundlagForm(forms.Form):
    """Which figure to trace back to its lines and prices (from a link on the figure)."""

    art = forms.ChoiceField(choices=ART_CHOICES, initial=BASELINE)
    forvaltning = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    sektor = forms.ChoiceField(choices=[("", ""), *Sektor.choices], required=False)
    fra = forms.DateField(required=False)
    til = forms.DateField(required=False)
