// The rules as CrossGuard resource validation policies; every one mandatory (it stops `pulumi up`).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { RULES } from "./rules";

export const policies: ResourceValidationPolicy[] = RULES.map((rule) => ({
  name: rule.name,
  description: rule.description,
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    for (const message of rule.check(args.type, args.props)) reportViolation(message);
  },
}));
