"""Who sees the dashboard: organisers, and partners read-only."""

import rules

from portal.accounts.permissions import is_organiser, is_partner

# Partners see the figures and download the reports; every write (asking for
# a report, granting a partner) is the organisers'.
can_view_dashboard = is_organiser | is_partner
can_request_report = is_organiser
can_manage_partners = is_organiser

rules.add_perm("dashboard.view", can_view_dashboard)
rules.add_perm("dashboard.request_report", can_request_report)
rules.add_perm("dashboard.manage_partners", can_manage_partners)
