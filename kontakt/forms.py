"""Forms of the secure messages; validation messages name the field and the rule."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from familieplan.models import Opfoelgning
from kerne.forms import DkfdsFormMixin
from kerne.models import Rolle


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the type and size checks are the service's."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class BeskedForm(DkfdsFormMixin, forms.Form):
    tekst = forms.CharField(
        label=_("Besked"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Skriv en besked."),
            "max_length": _("Beskeden må højst være %(limit_value)d tegn."),
        },
    )
    vedhaeftninger = MultipleFileField(
        label=_("Vedhæft filer"),
        required=False,
        help_text=_("PDF eller billeder (PNG, JPEG), højst 5 filer."),
    )


class OpfoelgningFraBeskedForm(DkfdsFormMixin, forms.Form):
    indsats = forms.ModelChoiceField(
        label=_("Indsats"),
        queryset=None,
        empty_label=_("Vælg indsats"),
        error_messages={"required": _("Vælg den indsats, beskeden følger op på.")},
    )
    vurdering = forms.ChoiceField(
        label=_("Vurdering"),
        choices=[("", _("Vælg vurdering")), *Opfoelgning.Vurdering.choices],
        error_messages={"required": _("Vælg en vurdering.")},
    )

    def __init__(self, *args, indsatser, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indsats"].queryset = indsatser
        self.fields["indsats"].label_from_instance = lambda i: i.titel


class AftaleFraBeskedForm(DkfdsFormMixin, forms.Form):
    hvad = forms.CharField(
        label=_("Hvad"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
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


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


class FravaerForm(DkfdsFormMixin, forms.Form):
    bruger = forms.ModelChoiceField(
        label=_("Fraværende"),
        queryset=None,
        empty_label=_("Vælg sagsbehandler"),
        error_messages={"required": _("Vælg den koordinerende sagsbehandler, der er væk.")},
    )
    stedfortraeder = forms.ModelChoiceField(
        label=_("Stedfortræder"),
        queryset=None,
        empty_label=_("Vælg stedfortræder"),
        error_messages={"required": _("Vælg, hvem der tager over imens.")},
    )
    fra = forms.DateField(
        label=_("Fra"),
        widget=_date_input(),
        initial=timezone.localdate,
        error_messages={
            "required": _("Skriv den første fraværsdag."),
            "invalid": _("Datoen er ugyldig."),
        },
    )
    til = forms.DateField(
        label=_("Til og med"),
        widget=_date_input(),
        error_messages={
            "required": _("Skriv den sidste fraværsdag."),
            "invalid": _("Datoen er ugyldig."),
        },
    )

    def __init__(self, *args, projekt, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        users = get_user_model().objects.order_by("first_name", "last_name", "username")
        self.fields["bruger"].queryset = users.filter(
            projektroller__projekt=projekt, projektroller__rolle=Rolle.KOORDINATOR
        ).distinct()
        self.fields["stedfortraeder"].queryset = users.filter(
            projektroller__projekt=projekt,
            projektroller__rolle__in=[Rolle.KOORDINATOR, Rolle.PROJEKTLEDER],
        ).distinct()
        for name in ("bruger", "stedfortraeder"):
            self.fields[name].label_from_instance = _name


class KontaktinfoForm(DkfdsFormMixin, forms.Form):
    telefon = forms.CharField(label=_("Telefon"), max_length=20, required=False)
    traeffetid = forms.CharField(
        label=_("Træffetid"),
        max_length=200,
        required=False,
        help_text=_("Fx mandag–torsdag kl. 9–12. Familierne ser den i portalen."),
    )


class NotifikationsvalgForm(DkfdsFormMixin, forms.Form):
    email = forms.BooleanField(
        label=_("Send mig en e-mail, når der er nyt"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-checkbox"}),
    )
    sms = forms.BooleanField(
        label=_("Send mig en sms, når der er nyt"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-checkbox"}),
    )
    mobil = forms.CharField(
        label=_("Mobilnummer"),
        max_length=12,
        required=False,
        help_text=_("8 cifre. Beskederne siger kun, at der er noget nyt."),
    )
