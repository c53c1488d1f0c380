"""Forms of the visitation: parse and check the input; the services decide."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kerne import cpr
from kerne.forms import DkfdsFormMixin
from kerne.models import Familie, Familiemedlemskab
from visitation import regler
from visitation.models import Dagsordenspunkt, Forloeb, Indstilling


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _user_label(user) -> str:
    return user.get_full_name() or user.get_username()


JA_NEJ = [("ja", _("Ja")), ("nej", _("Nej"))]


def _to_bool(value: str) -> bool | None:
    return {"ja": True, "nej": False}.get(value)


def _from_bool(value: bool | None) -> str:
    return {True: "ja", False: "nej"}.get(value, "")


class IndstillingForm(DkfdsFormMixin, forms.Form):
    """The referral's content: reason, the five criteria, the family's consent."""

    begrundelse = forms.CharField(
        label=_("Begrundelse for indstillingen"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Hvorfor har familien brug for en helhedsindsats? Skal udfyldes før indsendelse."
        ),
    )
    samtykke_givet_af = forms.ModelChoiceField(
        label=_("Samtykke til visitation givet af"),
        required=False,
        queryset=None,
        empty_label=_("Vælg en voksen i familien"),
    )
    samtykke_dato = forms.DateField(
        label=_("Samtykke givet den"), required=False, widget=_date_input()
    )
    samtykke_form = forms.ChoiceField(
        label=_("Samtykkets form"),
        required=False,
        choices=[("", _("Vælg")), *Indstilling.SamtykkeForm.choices],
    )

    def __init__(self, *args, voksne=None, indstilling: Indstilling | None = None, **kwargs):
        if indstilling is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(indstilling)
        super().__init__(*args, **kwargs)
        if voksne is None:
            # A new family: its adults exist only once the draft is saved.
            del self.fields["samtykke_givet_af"]
        else:
            self.fields["samtykke_givet_af"].queryset = voksne
            self.fields["samtykke_givet_af"].label_from_instance = lambda p: p.fulde_navn

    @staticmethod
    def initial_from(indstilling: Indstilling) -> dict:
        initial = {
            "begrundelse": indstilling.begrundelse,
            "samtykke_givet_af": indstilling.samtykke_givet_af_id,
            "samtykke_dato": indstilling.samtykke_dato,
            "samtykke_form": indstilling.samtykke_form,
        }
        for felt in regler.KRITERIE_FELTER:
            initial[felt] = _from_bool(getattr(indstilling, felt))
            initial[f"{felt}_note"] = getattr(indstilling, f"{felt}_note")
        return initial

    def clean_samtykke_dato(self):
        dato = self.cleaned_data.get("samtykke_dato")
        if dato and dato > timezone.localdate():
            raise ValidationError(_("Samtykkets dato må ikke ligge i fremtiden."))
        return dato

    def kriterier(self) -> dict:
        data = self.cleaned_data
        result: dict = {}
        for felt in regler.KRITERIE_FELTER:
            result[felt] = _to_bool(data.get(felt, ""))
            result[f"{felt}_note"] = data.get(f"{felt}_note", "")
        return result

    def kriterie_felter(self) -> list[tuple]:
        """(answer field, note field) per criterion, for the template."""
        return [(self[felt], self[f"{felt}_note"]) for felt in regler.KRITERIE_FELTER]


# The five criteria as fields of the class, so that every form instance (and the DKFDS mixin)
# sees them like any declared field.
for _felt, _question in regler.KRITERIER:
    IndstillingForm.base_fields[_felt] = forms.ChoiceField(
        label=_question, required=False, choices=JA_NEJ, widget=forms.RadioSelect
    )
    IndstillingForm.base_fields[f"{_felt}_note"] = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class FamilieValgForm(DkfdsFormMixin, forms.Form):
    """Refer a family that is already registered, or a new one."""

    familie = forms.ModelChoiceField(
        label=_("Eksisterende familie"),
        required=False,
        queryset=None,
        empty_label=_("Ny familie (registreres nedenfor)"),
        help_text=_(
            "Vælg en familie, du har adgang til, eller lad feltet stå og registrér en ny familie."
        ),
    )
    betegnelse = forms.CharField(
        label=_("Familiens betegnelse"),
        required=False,
        max_length=200,
        help_text=_("Fx »Familien Jensen«. Kun for en ny familie."),
    )

    def __init__(self, *args, familier, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["familie"].queryset = familier

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("familie") and not (cleaned.get("betegnelse") or "").strip():
            self.add_error(
                "betegnelse",
                _("Skriv den nye families betegnelse, eller vælg en eksisterende familie."),
            )
        return cleaned


class PersonRaekkeForm(DkfdsFormMixin, forms.Form):
    """One person of a new family; an empty row is ignored."""

    cpr = forms.CharField(
        label=_("CPR-nummer"),
        required=False,
        max_length=11,
        help_text=_("DDMMÅÅ-XXXX."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    fornavn = forms.CharField(label=_("Fornavn"), max_length=100)
    efternavn = forms.CharField(label=_("Efternavn"), max_length=100)
    # An empty first choice: a row left blank posts nothing that differs from its initial
    # state, so the formset skips it.
    rolle = forms.ChoiceField(
        label=_("Rolle"), choices=[("", _("Vælg")), *Familiemedlemskab.Rolle.choices]
    )
    relation = forms.ChoiceField(
        label=_("Relation"), choices=[("", _("Vælg")), *Familiemedlemskab.Relation.choices]
    )
    foraeldremyndighed = forms.BooleanField(
        label=_("Forældremyndighed"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-checkbox"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fornavn"].error_messages["required"] = _("Skriv personens fornavn.")
        self.fields["efternavn"].error_messages["required"] = _("Skriv personens efternavn.")
        self.fields["rolle"].error_messages["required"] = _("Vælg personens rolle i familien.")
        self.fields["relation"].error_messages["required"] = _("Vælg personens relation.")

    def clean_cpr(self) -> str:
        value = self.cleaned_data.get("cpr", "").strip()
        if not value:
            return ""
        try:
            return cpr.normalise(value)
        except ValidationError as error:
            raise ValidationError(error.messages) from None


class BasePersonFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            number = form.cleaned_data.get("cpr")
            if number:
                if number in seen:
                    raise ValidationError(_("Det samme CPR-nummer står i to rækker."))
                seen.add(number)


PersonFormSet = forms.formset_factory(
    PersonRaekkeForm, formset=BasePersonFormSet, extra=4, max_num=10, absolute_max=10
)


class MoedeForm(DkfdsFormMixin, forms.Form):
    dato = forms.DateField(label=_("Dato"), widget=_date_input())
    tidspunkt = forms.TimeField(
        label=_("Tidspunkt"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    sted = forms.CharField(label=_("Sted"), max_length=200)
    medlemmer = forms.ModelMultipleChoiceField(
        label=_("Medlemmer af udvalget"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Afdelingslederne og projektlederen."),
        error_messages={"required": _("Vælg mindst ét medlem af udvalget.")},
    )

    def __init__(self, *args, kandidater, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["medlemmer"].queryset = kandidater
        self.fields["medlemmer"].label_from_instance = _user_label
        self.fields["sted"].error_messages["required"] = _("Skriv, hvor mødet holdes.")
        self.fields["dato"].error_messages["required"] = _("Angiv mødets dato.")


class BeslutningForm(DkfdsFormMixin, forms.Form):
    beslutning = forms.ChoiceField(
        label=_("Beslutning"),
        choices=Dagsordenspunkt.Beslutning.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Vælg optag, afvis eller venteliste.")},
    )
    begrundelse = forms.CharField(
        label=_("Begrundelse"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Skal udfyldes ved afvisning."),
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("beslutning") == Dagsordenspunkt.Beslutning.AFVIS
            and not (cleaned.get("begrundelse") or "").strip()
        ):
            self.add_error("begrundelse", _("Skriv begrundelsen for afvisningen."))
        return cleaned


class TilfoejForm(DkfdsFormMixin, forms.Form):
    indstilling = forms.ModelChoiceField(
        label=_("Indstilling"),
        queryset=None,
        empty_label=_("Vælg en indstilling"),
        error_messages={"required": _("Vælg den indstilling, der skal på dagsordenen.")},
    )

    def __init__(self, *args, indstillinger, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indstilling"].queryset = indstillinger
        self.fields["indstilling"].label_from_instance = lambda i: (
            f"{i.familie.betegnelse} ({i.familie.get_status_display()})"
        )


class FlytForm(forms.Form):
    retning = forms.ChoiceField(choices=[("op", "op"), ("ned", "ned")])


class MoedeAfslutForm(DkfdsFormMixin, forms.Form):
    referat = forms.CharField(
        label=_("Referat"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Mødets øvrige drøftelser. Beslutningerne kommer med i referatet af sig selv."),
    )


class TildelForm(DkfdsFormMixin, forms.Form):
    koordinator = forms.ModelChoiceField(
        label=_("Koordinerende sagsbehandler"),
        queryset=None,
        empty_label=_("Vælg en koordinerende sagsbehandler"),
        error_messages={"required": _("Vælg en koordinerende sagsbehandler.")},
    )
    bekraeft_over_kapacitet = forms.BooleanField(
        label=_("Jeg bekræfter tildeling ud over kapaciteten"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-checkbox"}),
    )
    begrundelse = forms.CharField(
        label=_("Begrundelse"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Skal udfyldes ved tildeling ud over kapaciteten."),
    )

    def __init__(self, *args, koordinatorer, belastning: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["koordinator"].queryset = koordinatorer

        def label(user) -> str:
            load = belastning.get(user.pk)
            if load is None:
                return _user_label(user)
            return _("%(navn)s (%(aktive)s af %(kapacitet)s aktive familier)") % {
                "navn": _user_label(user),
                "aktive": load.aktive,
                "kapacitet": load.kapacitet,
            }

        self.fields["koordinator"].label_from_instance = label


class UdredningForm(DkfdsFormMixin, forms.Form):
    dato = forms.DateField(
        label=_("Udredning afsluttet den"), initial=timezone.localdate, widget=_date_input()
    )


class UdslusForm(DkfdsFormMixin, forms.Form):
    aarsag = forms.ChoiceField(
        label=_("Årsag"),
        choices=[("", _("Vælg en årsag")), *Forloeb.Aarsag.choices],
        error_messages={"required": _("Vælg en årsag til udslusningen.")},
    )
    aarsag_tekst = forms.CharField(
        label=_("Anden årsag"),
        required=False,
        max_length=300,
        help_text=_("Skal udfyldes, når årsagen er »Andet«."),
    )
    dato = forms.DateField(
        label=_("Udslusningsdato"), initial=timezone.localdate, widget=_date_input()
    )
    overdragelsesnote = forms.CharField(
        label=_("Overdragelsesnote"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Til sagsbehandlerne i afdelingerne: hvad er nået, hvad skal de følge op på."),
        error_messages={
            "required": _("Skriv en overdragelsesnote til sagsbehandlerne i afdelingerne.")
        },
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("aarsag") == Forloeb.Aarsag.ANDET
            and not (cleaned.get("aarsag_tekst") or "").strip()
        ):
            self.add_error("aarsag_tekst", _("Beskriv årsagen, når du vælger »Andet«."))
        dato = cleaned.get("dato")
        if dato and dato > timezone.localdate():
            self.add_error("dato", _("Udslusningsdatoen må ikke ligge i fremtiden."))
        return cleaned


class IndstillingFilterForm(DkfdsFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Alle")),
            ("kladde", _("Kladde")),
            *[
                (s, Familie.Status(s).label)
                for s in (
                    Familie.Status.INDSTILLET,
                    Familie.Status.PAA_DAGSORDEN,
                    Familie.Status.VENTELISTE,
                    Familie.Status.OPTAGET,
                    Familie.Status.AFVIST,
                    Familie.Status.AKTIV,
                    Familie.Status.AFSLUTTET,
                )
            ],
        ],
    )
    mine = forms.BooleanField(
        label=_("Kun mine indstillinger"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-checkbox"}),
    )
