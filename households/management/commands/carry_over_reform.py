from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from households.models import AdministrativeUnit, UnitLevel
from households.selectors import carry_over_plan
from households.services import carry_over_commit, village_assign


class Command(BaseCommand):
    help = (
        "Carry a province's villages and households over the 1 July 2025 reform to the new communes. "
        "Prints the dry run (counts per new commune, villages of split communes still to assign, draft "
        "reviews left on old communes); --commit moves them, all or nothing. Running it again moves nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--province", required=True, help="Province code, e.g. 19 (Thái Nguyên; covers Bắc Kạn).")
        parser.add_argument("--commit", action="store_true", help="Move them (default: dry run only).")
        parser.add_argument("--decision", default="", help="The decision the carry-over rests on (with --commit).")
        parser.add_argument("--user", default="", help="Username it is done as (default: the first superuser).")
        parser.add_argument(
            "--assign",
            action="append",
            default=[],
            metavar="VILLAGE_ID=COMMUNE_CODE",
            help="The new commune a village of a split commune goes to; may be repeated.",
        )

    def handle(self, *args, province, commit, decision, user, assign, **options):
        actor = self._user(user)
        try:
            for item in assign:
                self._assign(actor, item)
            plan = carry_over_plan(user=actor, code=province)
            self._print_plan(plan)
            if not commit:
                self.stdout.write('Dry run: nothing was changed. Add --commit --decision "…" to move them.')
                return
            result = carry_over_commit(user=actor, code=province, decision=decision)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Committed: {result.villages_created} villages created, {result.households_moved} households moved."
            )
        )

    def _user(self, username: str) -> User:
        users = User.objects.filter(username=username) if username else User.objects.filter(is_superuser=True)
        found = users.order_by("pk").first()
        if found is None:
            raise CommandError(f"No user {username!r}." if username else "No superuser: pass --user.")
        return found

    def _assign(self, actor: User, item: str) -> None:
        village_id, _sep, code = item.partition("=")
        try:
            village = AdministrativeUnit.objects.get(pk=int(village_id), level=UnitLevel.VILLAGE)
            successor = AdministrativeUnit.objects.get(code=code, level=UnitLevel.COMMUNE, valid_to__isnull=True)
        except (ValueError, AdministrativeUnit.DoesNotExist):
            raise CommandError(f"--assign {item}: no such village id or new commune code.") from None
        village_assign(user=actor, village=village, successor=successor)

    def _print_plan(self, plan) -> None:
        names = ", ".join(p.name for p in plan.provinces)
        self.stdout.write(f"{names}: {len(plan.moves)} villages and {plan.households} households to move.")
        for total in plan.by_successor:
            self.stdout.write(
                f"  {total.commune.code} {total.commune.name}: {total.villages} villages, {total.households} households"
            )
        if plan.done:
            self.stdout.write(f"Already carried over: {plan.done} villages.")
        if plan.unassigned:
            self.stdout.write(f"Villages of split communes to assign first ({len(plan.unassigned)}):")
            for move in plan.unassigned:
                choices = " / ".join(f"{c.code} {c.name}" for c in move.choices)
                self.stdout.write(
                    f"  {move.village.pk} {move.village.name} ({move.old_commune.name}, {move.households} households)"
                    f" → one of: {choices}"
                )
        if plan.drafts:
            self.stdout.write("Reviews not approved on old communes (left where they are):")
            for draft in plan.drafts:
                self.stdout.write(f"  {draft.commune_name} {draft.year}: {draft.reviews} reviews")
