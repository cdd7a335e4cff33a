// Runs before every GPU test file: point Dawn at SwiftShader unless the environment already chose a driver.
import { SWIFTSHADER_ICD } from '../../src/gpu/device.ts';

process.env.VK_ICD_FILENAMES ??= SWIFTSHADER_ICD;
