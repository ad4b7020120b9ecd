// CrossGuard policy pack for the todo-chatbot stack: `pulumi preview --policy-pack policy`.
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("todo-chatbot", { policies });
