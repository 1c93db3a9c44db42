/** The version of the plugin SDK contract; manifests declare the range they were built for. */
export const SDK_VERSION = '1.0.0';
