/** The contract between the component and each cloud lives with the component. */
export type {
  CloudImplementation,
  CloudModule,
  InstanceGroupDescriptor,
  ServiceEndpoints,
} from "../components/cloudHome";
