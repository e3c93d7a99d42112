"""The referral queue: referrals arrive (`intake`), are matched to clients (`matching`), triaged
(`triage`: accept into a program, decline, unable to reach) and their first contact is stored for
reporting (`first_contact`). Duplicate clients found on the way are folded together by `merge`.
"""
