"""Check-in reminders for contact cadres and volunteers (schedules, planning, delivery)."""
