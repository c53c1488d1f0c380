"""Forms of the shared kernel, and the mixin that gives every form DKFDS markup."""

import re

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kerne.models import Familie, Sektor


class FetchedChoiceIterator(ModelChoiceIterator):
    """Reads a select's options with one plain query. Django's iterator uses a server-side
    cursor (DECLARE, FETCH, CLOSE: three round trips, held past the transaction) for lists that
    are a few dozen rows here: case managers, partners, cost types."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class DkfdsFormMixin:
    """Adds Det Fælles Designsystem's classes and ARIA links to every widget."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.ModelChoiceField):
                field.iterator = FetchedChoiceIterator
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-input"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            if field.help_text:
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}_hint"

    def full_clean(self) -> None:
        super().full_clean()
        # Errors are known only now; refresh the ARIA attributes that point to them.
        for name in self.errors:
            if name in self.fields:
                bound = self[name]
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                ids = [f"{bound.auto_id}_error_{i}" for i in range(1, len(self.errors[name]) + 1)]
                if self.fields[name].help_text:
                    ids.insert(0, f"{bound.auto_id}_hint")
                attrs["aria-describedby"] = " ".join(ids)


class SignInForm(DkfdsFormMixin, AuthenticationForm):
    """Django's sign-in form with a message that names neither field as the wrong one."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Forkert brugernavn eller adgangskode. Bemærk: efter tre forkerte forsøg "
            "spærres kontoen."
        ),
        "inactive": _("Kontoen er deaktiveret."),
    }

    username = forms.CharField(
        label=_("Brugernavn"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )


class DkfdsPasswordChangeForm(DkfdsFormMixin, PasswordChangeForm):
    pass


class TotpKodeForm(DkfdsFormMixin, forms.Form):
    """The second sign-in step: six digits from the user's authenticator app."""

    kode = forms.CharField(
        label=_("Kode fra godkendelses-app"),
        help_text=_("De 6 cifre, som appen viser lige nu."),
        max_length=6,
        min_length=6,
        error_messages={
            "required": _("Skriv koden fra din godkendelses-app."),
            "min_length": _("Koden skal være 6 cifre."),
            "max_length": _("Koden skal være 6 cifre."),
        },
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "input-width-xs",
            }
        ),
    )

    def clean_kode(self) -> str:
        kode = self.cleaned_data["kode"].strip()
        if not kode.isdigit():
            raise ValidationError(_("Koden skal være 6 cifre."), code="digits")
        return kode


_DIGIT = re.compile(r"[0-9]")


def _date_input() -> forms.DateInput:
    # ISO in the value attribute: what <input type="date"> reads and sends.
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: under its field where the form has one."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


class FamilieSoegForm(DkfdsFormMixin, forms.Form):
    """Search and filters of the family list. All optional: an empty form lists everything."""

    q = forms.CharField(
        label=_("Søg på navn eller CPR-nummer"), required=False, max_length=100, strip=True
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Alle statusser")), *Familie.Status.choices],
    )
    koordinator = forms.ModelChoiceField(
        label=_("Koordinerende sagsbehandler"),
        required=False,
        queryset=None,
        empty_label=_("Alle sagsbehandlere"),
    )

    def __init__(self, *args, koordinatorer, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["koordinator"].queryset = koordinatorer
        self.fields["koordinator"].label_from_instance = lambda user: (
            user.get_full_name() or user.get_username()
        )
        self.fields["q"].widget.attrs.update({"type": "search", "autocomplete": "off"})

    @staticmethod
    def must_stay_out_of_urls(query: str) -> bool:
        """A query with digits may be (part of) a CPR number: it never goes into a URL."""
        return bool(_DIGIT.search(query or ""))


class SamtykkeForm(DkfdsFormMixin, forms.Form):
    """Record a consent: who gave it, which sectors' data may go to which departments, why."""

    person = forms.ModelChoiceField(
        label=_("Givet af"),
        queryset=None,
        empty_label=_("Vælg en person i familien"),
        error_messages={"required": _("Vælg den person, der har givet samtykket.")},
    )
    sektorer = forms.MultipleChoiceField(
        label=_("Sektorer"),
        choices=Sektor.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("De sektorer, hvis data samtykket omfatter."),
        error_messages={"required": _("Vælg mindst én sektor, hvis data samtykket omfatter.")},
    )
    modtagere = forms.ModelMultipleChoiceField(
        label=_("Modtagere"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("De forvaltninger, der må modtage data."),
        error_messages={"required": _("Vælg mindst én forvaltning, der må modtage data.")},
    )
    formaal = forms.CharField(
        label=_("Formål"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Skriv, hvad samtykket skal bruges til.")},
    )
    gyldig_fra = forms.DateField(
        label=_("Gyldig fra"), initial=timezone.localdate, widget=_date_input()
    )
    gyldig_til = forms.DateField(
        label=_("Gyldig til"),
        required=False,
        widget=_date_input(),
        help_text=_("Lad feltet stå tomt, hvis samtykket gælder, indtil det tilbagekaldes."),
    )

    def __init__(self, *args, personer, forvaltninger, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = personer
        self.fields["modtagere"].queryset = forvaltninger

    def clean(self) -> dict:
        cleaned = super().clean()
        fra, til = cleaned.get("gyldig_fra"), cleaned.get("gyldig_til")
        if fra and til and til < fra:
            self.add_error(
                "gyldig_til", _("Slutdatoen skal være samme dag som startdatoen eller senere.")
            )
        return cleaned


class TilbagekaldForm(DkfdsFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Bemærkning"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Fx hvordan borgeren tilbagekaldte samtykket."),
    )


class CprVisForm(forms.Form):
    familie = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class AdgangslogFilterForm(DkfdsFormMixin, forms.Form):
    familie = forms.IntegerField(label=_("Familie-id"), required=False, min_value=1)
    person = forms.IntegerField(label=_("Person-id"), required=False, min_value=1)
    bruger = forms.CharField(label=_("Brugernavn"), required=False, max_length=150)
    fra = forms.DateField(label=_("Periode fra"), required=False, widget=_date_input())
    til = forms.DateField(label=_("Periode til"), required=False, widget=_date_input())

    def clean(self) -> dict:
        cleaned = super().clean()
        fra, til = cleaned.get("fra"), cleaned.get("til")
        if fra and til and til < fra:
            self.add_error("til", _("Periodens slutdato skal ligge efter startdatoen."))
        return cleaned

    def used_filters(self) -> dict:
        """The filters in use, as JSON-safe values (for the export's audit row)."""
        return {
            name: value.isoformat() if hasattr(value, "isoformat") else value
            for name, value in self.cleaned_data.items()
            if value not in (None, "")
        }


class PersonFletForm(DkfdsFormMixin, forms.Form):
    """The merge's confirmation: no fields, only the button; carries the service's errors."""
