// The Pulumi program: read and validate the stack's config, build the TodoChatbot, export what users need.
import { readConfig } from "./components/config.ts";
import { deploy } from "./components/stack.ts";

const outputs = deploy(readConfig());

export const namespace = outputs.namespace;
export const kubeContext = outputs.kubeContext;
export const deployMode = outputs.deployMode;
export const database = outputs.database;
export const agent = outputs.agent;
export const backendImage = outputs.backendImage;
export const frontendImage = outputs.frontendImage;
export const backendService = outputs.backendService;
export const frontendService = outputs.frontendService;
export const frontendNodePort = outputs.frontendNodePort;
export const openCommand = outputs.openCommand;
export const portForwardCommand = outputs.portForwardCommand;
