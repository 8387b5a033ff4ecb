package appointments

import (
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

// Who may do what:
//
//   - halls and their free slots are public;
//   - an enabled person or enterprise account books, and reads, changes
//     and cancels its own bookings; another account's booking is reported
//     as not found, so nobody learns that it exists;
//   - an enabled staff account with the caseworker or department admin
//     role operates the groups of a hall that its department serves: it
//     sees their queue and bookings, checks people in at the desk, calls
//     the next person to a window of those groups and marks them served or
//     absent; a platform admin operates every group of every hall;
//   - anybody, signed in or not, may check in at a hall's kiosk with a
//     booking code and the last four characters of the booker's identity
//     number or credit code.

// active reports whether a is a usable, enabled account.
func active(a *identity.Account) bool { return a != nil && a.ID != "" && !a.Disabled }

// canBook reports whether a may book appointments.
func canBook(a *identity.Account) bool {
	return active(a) && (a.Kind == identity.Person || a.Kind == identity.Enterprise)
}

// isPlatformAdmin reports whether a is an enabled platform admin.
func isPlatformAdmin(a *identity.Account) bool {
	return active(a) && a.IsStaff() && a.HasRole(identity.PlatformAdmin)
}

// operates reports whether a operates group g.
func operates(a *identity.Account, g *Group) bool {
	if isPlatformAdmin(a) {
		return true
	}
	return active(a) && a.IsStaff() && a.Department != "" && a.Department == g.Department &&
		(a.HasRole(identity.Caseworker) || a.HasRole(identity.DeptAdmin))
}

// operatedGroups returns the groups of h that a operates.
func operatedGroups(a *identity.Account, h *Hall) []*Group {
	var out []*Group
	for _, g := range h.Groups {
		if operates(a, g) {
			out = append(out, g)
		}
	}
	return out
}

// Operates reports whether a operates at least one group of h, for
// showing staff links; the service checks again on every action.
func Operates(a *identity.Account, h *Hall) bool { return len(operatedGroups(a, h)) > 0 }

// mayRead reports whether a may read booking b of hall h (nil when the
// hall is unknown).
func mayRead(a *identity.Account, b *Booking, h *Hall) bool {
	if !active(a) {
		return false
	}
	if a.ID == b.AccountID {
		return true
	}
	if h == nil {
		return isPlatformAdmin(a)
	}
	g := h.Group(b.GroupCode)
	return g != nil && operates(a, g)
}
