"""The agency's team and programs: staff, certifications, weekly shift patterns and their
exceptions, the crews a day gets from them, and the program catalogue as editable data."""
