package insights

import (
	"fmt"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// errUnknownDepartment is the error for a department code that names no
// department, on the field "department".
func errUnknownDepartment(code string) error {
	return errs.Field("department", "insights.department",
		fmt.Sprintf("部门代码「%s」不存在", code), fmt.Sprintf("there is no department with code %q", code))
}

// ErrNoItem is returned for an item code that is not in the catalogue.
var ErrNoItem = errs.E(errs.NotFound, "insights.item", "事项不存在", "There is no such service item.")

// ErrNoTheme is returned for a theme code that is not in the catalogue.
var ErrNoTheme = errs.E(errs.NotFound, "insights.theme", "主题不存在", "There is no such theme.")
