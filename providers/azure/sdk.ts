// The @pulumi/azure-native submodules the bootstrap uses, as one `azure` namespace: the package
// root's declarations reference every Azure service (about 5,600 files), which the type-check and
// type-aware lint would load (see scripts/static-checks.ts). providers/azure itself imports each
// submodule where it is used.
export * as authorization from "@pulumi/azure-native/authorization";
export * as compute from "@pulumi/azure-native/compute";
export * as containerregistry from "@pulumi/azure-native/containerregistry";
export * as keyvault from "@pulumi/azure-native/keyvault";
export * as managedidentity from "@pulumi/azure-native/managedidentity";
export * as resources from "@pulumi/azure-native/resources";
export * as storage from "@pulumi/azure-native/storage";
export * as virtualmachineimages from "@pulumi/azure-native/virtualmachineimages";
