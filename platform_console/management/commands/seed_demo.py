from django.core.management.base import BaseCommand

from platform_console.demo import demo_seed


class Command(BaseCommand):
    help = "Onboard the demo city (Chiba, six ward offices) and the demo users. Safe to run again."

    def handle(self, *args, **options):
        credentials = demo_seed()
        self.stdout.write("demo users (user name / password):")
        for role, username, password in credentials:
            self.stdout.write(f"  {role:32} {username:24} {password}")
