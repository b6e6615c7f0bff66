import { cifarDataset } from './cifar.js';
import { imageSet } from './spec.js';

const FINE = (
  'apple aquarium_fish baby bear beaver bed bee beetle bicycle bottle bowl boy bridge bus butterfly camel can castle ' +
  'caterpillar cattle chair chimpanzee clock cloud cockroach couch crab crocodile cup dinosaur dolphin elephant ' +
  'flatfish forest fox girl hamster house kangaroo keyboard lamp lawn_mower leopard lion lizard lobster man ' +
  'maple_tree motorcycle mountain mouse mushroom oak_tree orange orchid otter palm_tree pear pickup_truck pine_tree ' +
  'plain plate poppy porcupine possum rabbit raccoon ray road rocket rose sea seal shark shrew skunk skyscraper snail ' +
  'snake spider squirrel streetcar sunflower sweet_pepper table tank telephone television tiger tractor train trout ' +
  'tulip turtle wardrobe whale willow_tree wolf woman worm'
).split(' ');

const COARSE = (
  'aquatic_mammals fish flowers food_containers fruit_and_vegetables household_electrical_devices ' +
  'household_furniture insects large_carnivores large_man-made_outdoor_things large_natural_outdoor_scenes ' +
  'large_omnivores_and_herbivores medium_mammals non-insect_invertebrates people reptiles small_mammals trees ' +
  'vehicles_1 vehicles_2'
).split(' ');

/** `cifar-100-binary.tar.gz`: records of a coarse label byte, a fine label byte, then 3,072 pixel bytes. */
export const cifar100 = cifarDataset({
  name: 'cifar100',
  description: 'CIFAR-100: 32x32 colour images, 100 fine classes (label mode coarse: 20 superclasses)',
  archive: 'cifar-100-binary.tar.gz',
  md5: '03b5dce01913d631647c71ecec9e9cb8',
  folder: 'cifar-100-binary',
  train: ['train.bin'],
  test: ['test.bin'],
  layout: { labelBytes: 2, labelLimits: [COARSE.length, FINE.length] },
  labelModes: { fine: FINE, coarse: COARSE },
  defaultLabelMode: 'fine',
  toSet: (records, mode, shape) => {
    const [coarse, fine] = records.labels;
    return imageSet(records.images, mode === 'coarse' ? coarse : fine, shape, { fine, coarse });
  },
});
